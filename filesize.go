package sunshine

import "strconv"

// FileSize writes n bytes in the unit people read, binary as Sunshine's
// limits are ("100 MiB"): "812 bytes", "2.1 KiB", "90.0 MiB", "1.2 GiB".
func FileSize(n int64) string {
	switch {
	case n == 1:
		return "1 byte"
	case n < 1024:
		return strconv.FormatInt(n, 10) + " bytes"
	}
	v, unit := float64(n)/1024, "KiB"
	for _, u := range []string{"MiB", "GiB"} {
		if v < 1023.95 {
			break
		}
		v, unit = v/1024, u
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + unit
}
