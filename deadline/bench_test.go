package deadline

import "testing"

// BenchmarkCompute_Federal measures a 20-working-day computation with its
// explanation (issue target: at least 1,000,000 per second on one core).
func BenchmarkCompute_Federal(b *testing.B) {
	j, err := Lookup("us-federal")
	if err != nil {
		b.Fatal(err)
	}
	start := MustParseDate("2024-01-01")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := j.Compute(start.AddDays(i%730), Options{}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkCompute_CaliforniaExtended(b *testing.B) {
	j, err := Lookup("us-ca")
	if err != nil {
		b.Fatal(err)
	}
	start := MustParseDate("2024-01-01")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := j.Compute(start.AddDays(i%730), Options{Extended: true}); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkExplain measures writing a computation's steps as sentences, as
// every request in an API list does.
func BenchmarkExplain(b *testing.B) {
	j, err := Lookup("us-federal")
	if err != nil {
		b.Fatal(err)
	}
	res, err := j.Compute(MustParseDate("2024-11-20"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = res.Explain()
	}
}
