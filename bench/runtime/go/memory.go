// Go's side of bytes_per_task: N goroutines blocked on a channel; prints the
// growth of resident memory per goroutine.
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
)

func rss() int64 {
	data, _ := os.ReadFile("/proc/self/statm")
	fields := strings.Fields(string(data))
	pages, _ := strconv.ParseInt(fields[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

func main() {
	n, _ := strconv.Atoi(os.Args[1])
	release := make(chan struct{})
	var started, finished sync.WaitGroup
	started.Add(n)
	finished.Add(n)
	before := rss()
	for i := 0; i < n; i++ {
		go func() {
			started.Done()
			<-release
			finished.Done()
		}()
	}
	started.Wait()
	grown := rss() - before
	close(release)
	finished.Wait()
	fmt.Printf("%.3f\n", float64(grown)/float64(n))
}
