// Go's side of the spawn case: start N goroutines that each call
// WaitGroup.Done, then Wait. GOMAXPROCS comes from the environment.
// Prints ns per goroutine.
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
)

func runOnce(n int) float64 {
	var wg sync.WaitGroup
	wg.Add(n)
	start := time.Now()
	for i := 0; i < n; i++ {
		go func() { wg.Done() }()
	}
	wg.Wait()
	return float64(time.Since(start).Nanoseconds()) / float64(n)
}

func main() {
	n, _ := strconv.Atoi(os.Args[1])
	runOnce(n / 10) // warm up, as every implementation does
	fmt.Printf("%.3f\n", runOnce(n))
}
