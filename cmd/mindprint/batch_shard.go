package main

import (
	"fmt"
	"strconv"
	"strings"
)

// shardSpec is --shard i/N: this process handles the rows whose key hashes
// to Index modulo Count. Count 0 means no sharding.
type shardSpec struct {
	Index, Count int
}

// maxShards bounds N; more pods than this reading one file is a mistake.
const maxShards = 1 << 16

// parseShard reads "i/N" or "auto/N" (i from JOB_COMPLETION_INDEX, which a
// Kubernetes Indexed Job sets in every pod). "" is no sharding.
func parseShard(s string, getenv func(string) string) (shardSpec, error) {
	if s == "" {
		return shardSpec{}, nil
	}
	is, ns, ok := strings.Cut(s, "/")
	if !ok {
		return shardSpec{}, fmt.Errorf("%q: want i/N, e.g. 0/4, or auto/N", s)
	}
	n, err := strconv.Atoi(ns)
	if err != nil || n < 1 || n > maxShards {
		return shardSpec{}, fmt.Errorf("%q: N must be a whole number from 1 to %d", s, maxShards)
	}
	from := "i"
	if is == "auto" {
		is = getenv("JOB_COMPLETION_INDEX")
		if is == "" {
			return shardSpec{}, fmt.Errorf("%q: JOB_COMPLETION_INDEX is not set (auto works inside a Kubernetes Indexed Job)", s)
		}
		from = "JOB_COMPLETION_INDEX"
	}
	i, err := strconv.Atoi(is)
	if err != nil || i < 0 || i >= n {
		return shardSpec{}, fmt.Errorf("%q: %s=%q must be a whole number from 0 to %d", s, from, is, n-1)
	}
	return shardSpec{Index: i, Count: n}, nil
}

// String is the i/N form, or "" without sharding.
func (s shardSpec) String() string {
	if s.Count == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// owns reports whether the record with this id and row number is this
// shard's. The key is the id, or the row number in decimal when the id is
// empty; the hash is FNV-1a 64. Every shard reads the same input, so each
// record lands in exactly one shard, with no coordination.
func (s shardSpec) owns(id string, row int) bool {
	if s.Count <= 1 {
		return true
	}
	return shardOf(id, row, s.Count) == s.Index
}

// shardOf is the shard a record belongs to among n.
func shardOf(id string, row, n int) int {
	if id == "" {
		id = strconv.Itoa(row)
	}
	const (
		offset64 = 14695981039346656037
		prime64  = 1099511628211
	)
	h := uint64(offset64)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= prime64
	}
	return int(h % uint64(n))
}
