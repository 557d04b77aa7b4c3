package compactor

import (
	"testing"
	"time"
)

func TestParseRetention(t *testing.T) {
	tests := []struct {
		mode, in string
		want     time.Duration
		wantErr  bool
	}{
		{ModePeriodic, "0", 0, false},
		{ModePeriodic, "1", time.Hour, false},
		{ModePeriodic, "30m", 30 * time.Minute, false},
		{ModeRevision, "1000", 1000, false},
		{ModeRevision, "30m", 0, true},
		{ModePeriodic, "abc", 0, true},
		{ModePeriodic, "-1", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.mode+"/"+tt.in, func(t *testing.T) {
			got, err := ParseRetention(tt.mode, tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("ParseRetention(%q, %q) = %v, %v; want %v, err %v", tt.mode, tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}
