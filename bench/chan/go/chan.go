// Go's side of the chan suite: buffered channels (capacity 1024) between
// goroutines. GOMAXPROCS is set by run.sh (2 for the thread cases, 1 or 2 for
// the task cases). Prints one number:
//
//	spsc <n>                        ns per item, one sender to one receiver
//	rtt <n>                         ns per round trip over two channels
//	mpmc <producers> <consumers> <n> ns per item
//	bytes <n>                       heap bytes per empty capacity-64 chan int64
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

const capacity = 1024

func arg(i int) int {
	v, err := strconv.Atoi(os.Args[i])
	if err != nil {
		panic(err)
	}
	return v
}

func perItem(start time.Time, n int) float64 {
	return float64(time.Since(start).Nanoseconds()) / float64(n)
}

func mpmc(producers, consumers, n int) float64 {
	ch := make(chan int64, capacity)
	per := n / producers
	var wgp, wgc sync.WaitGroup
	sums := make([]int64, consumers)
	start := time.Now()
	for c := 0; c < consumers; c++ {
		wgc.Add(1)
		go func(c int) {
			defer wgc.Done()
			var sum int64
			for v := range ch {
				sum += v
			}
			sums[c] = sum
		}(c)
	}
	for p := 0; p < producers; p++ {
		wgp.Add(1)
		go func() {
			defer wgp.Done()
			for i := 0; i < per; i++ {
				ch <- int64(i)
			}
		}()
	}
	wgp.Wait()
	close(ch)
	wgc.Wait()
	ns := perItem(start, per*producers)
	var total int64
	for _, s := range sums {
		total += s
	}
	if total != int64(producers)*int64(per)*int64(per-1)/2 {
		panic("lost items")
	}
	return ns
}

func rtt(n int) float64 {
	ping, pong := make(chan int64, capacity), make(chan int64, capacity)
	go func() {
		for v := range ping {
			pong <- v
		}
	}()
	start := time.Now()
	for i := 0; i < n; i++ {
		ping <- int64(i)
		if <-pong != int64(i) {
			panic("wrong item")
		}
	}
	ns := perItem(start, n)
	close(ping)
	return ns
}

func bytes(n int) float64 {
	keep := make([]chan int64, n)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := range keep {
		keep[i] = make(chan int64, 64)
	}
	runtime.ReadMemStats(&after)
	result := float64(after.HeapAlloc-before.HeapAlloc) / float64(n)
	runtime.KeepAlive(keep)
	return result
}

func main() {
	var r float64
	switch os.Args[1] {
	case "spsc":
		n := arg(2)
		mpmc(1, 1, n/10)
		r = mpmc(1, 1, n)
	case "rtt":
		n := arg(2)
		rtt(n / 10)
		r = rtt(n)
	case "mpmc":
		p, c, n := arg(2), arg(3), arg(4)
		mpmc(p, c, n/10)
		r = mpmc(p, c, n)
	case "bytes":
		r = bytes(arg(2))
	default:
		panic("unknown case " + os.Args[1])
	}
	fmt.Printf("%.3f\n", r)
}
