package clock

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

var start = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

func TestVirtualSleepMovesTimeAtOnce(t *testing.T) {
	v := NewVirtual(start)
	if err := v.Sleep(context.Background(), 30*time.Minute); err != nil {
		t.Fatal(err)
	}
	if got := v.Now(); !got.Equal(start.Add(30 * time.Minute)) {
		t.Errorf("Now() = %v, want 30 minutes later", got)
	}
	v.Advance(-time.Hour)
	if got := v.Now(); !got.Equal(start.Add(30 * time.Minute)) {
		t.Errorf("Advance with a negative duration moved the clock to %v", got)
	}
}

func TestSleepOnCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for name, c := range map[string]Clock{"real": Real{}, "virtual": NewVirtual(start), "scaled": NewScaled(60)} {
		t.Run(name, func(t *testing.T) {
			before := c.Now()
			if err := c.Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
				t.Errorf("Sleep = %v, want context.Canceled", err)
			}
			if v, ok := c.(*Virtual); ok && !v.Now().Equal(before) {
				t.Error("a cancelled sleep moved the virtual clock")
			}
		})
	}
}

func TestVirtualIsSafeForConcurrentSleepers(t *testing.T) {
	v := NewVirtual(start)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				_ = v.Sleep(context.Background(), time.Second)
			}
		}()
	}
	wg.Wait()
	if got := v.Now().Sub(start); got != 800*time.Second {
		t.Errorf("time moved %v, want 800s", got)
	}
}

func TestScaledRunsFaster(t *testing.T) {
	s := Scaled{Origin: time.Now().Add(-time.Second), Factor: 60}
	if got := s.Now().Sub(s.Origin); got < 59*time.Second {
		t.Errorf("one real second is %v of scaled time, want about a minute", got)
	}
	if f := NewScaled(0).Factor; f != 1 {
		t.Errorf("NewScaled(0).Factor = %v, want 1", f)
	}
}
