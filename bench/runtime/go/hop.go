// Go's side of the hop case: two goroutines pass a token back and forth
// over unbuffered channels N times. Prints ns per hop (two per round trip).
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	n, _ := strconv.Atoi(os.Args[1])
	ping, pong := make(chan int), make(chan int)
	go func() {
		for i := 0; i < n; i++ {
			pong <- <-ping
		}
	}()
	start := time.Now()
	for i := 0; i < n; i++ {
		ping <- i
		<-pong
	}
	fmt.Printf("%.3f\n", float64(time.Since(start).Nanoseconds())/float64(2*n))
}
