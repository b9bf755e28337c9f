package main

// The HTTP load loop: c workers on a keep-alive client, each sending the
// scenario's next request as soon as the previous one is answered, until
// the duration or the request budget is spent.

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// loadSpec is one scenario's load.
type loadSpec struct {
	Name        string
	Kind        string // read, write or ceiling
	Concurrency int
	Duration    time.Duration
	MaxRequests int // 0: no bound but the duration
	// Next builds worker's next request with its own random stream.
	Next func(r *rand.Rand) (*http.Request, error)
}

// loadResult is what a load run measured.
type loadResult struct {
	Requests   int
	Errors     int
	FirstError string
	Elapsed    time.Duration
	Latencies  []time.Duration // successful requests only
}

func newClient(c int) *http.Client {
	return &http.Client{
		Timeout: 60 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        c * 2,
			MaxIdleConnsPerHost: c * 2,
			IdleConnTimeout:     time.Minute,
			DisableCompression:  true,
		},
	}
}

// runLoad runs spec against client; a tenth of the duration (at most 2 s)
// of warm-up requests comes first and is not recorded.
func runLoad(ctx context.Context, client *http.Client, spec loadSpec, seed uint64) loadResult {
	if warm := min(spec.Duration/10, 2*time.Second); warm > 0 && spec.MaxRequests == 0 {
		w := spec
		w.Duration = warm
		runLoadOnce(ctx, client, w, seed^0xabcdef)
	}
	return runLoadOnce(ctx, client, spec, seed)
}

func runLoadOnce(ctx context.Context, client *http.Client, spec loadSpec, seed uint64) loadResult {
	var (
		mu      sync.Mutex
		res     loadResult
		started atomic.Int64
		wg      sync.WaitGroup
	)
	start := time.Now()
	stop := start.Add(spec.Duration)
	for w := 0; w < spec.Concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(seed, uint64(w)))
			lat := make([]time.Duration, 0, 1024)
			errs, firstErr := 0, ""
			for ctx.Err() == nil && time.Now().Before(stop) {
				if spec.MaxRequests > 0 && started.Add(1) > int64(spec.MaxRequests) {
					break
				}
				d, err := doOne(ctx, client, spec, r)
				if err != nil {
					errs++
					if firstErr == "" {
						firstErr = err.Error()
					}
					continue
				}
				lat = append(lat, d)
			}
			mu.Lock()
			res.Latencies = append(res.Latencies, lat...)
			res.Errors += errs
			if res.FirstError == "" {
				res.FirstError = firstErr
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.Requests = len(res.Latencies) + res.Errors
	return res
}

// doOne sends one request and reads the whole answer.
func doOne(ctx context.Context, client *http.Client, spec loadSpec, r *rand.Rand) (time.Duration, error) {
	req, err := spec.Next(r)
	if err != nil {
		return 0, err
	}
	req = req.WithContext(ctx)
	t0 := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	d := time.Since(t0)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode >= 400 {
		return 0, fmt.Errorf("%s %s: %s", req.Method, req.URL.Path, resp.Status)
	}
	return d, nil
}

// percentile returns the p-th percentile (0 < p <= 100) of ds by the
// nearest-rank method; zero for no samples. ds is sorted in place.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	rank := int(math.Ceil(p / 100 * float64(len(ds))))
	rank = max(1, min(rank, len(ds)))
	return ds[rank-1]
}
