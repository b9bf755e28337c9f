package mail

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Fake is a Mailer for tests: it records the messages it accepts. The zero
// value is ready to use and safe for concurrent use.
type Fake struct {
	mu   sync.Mutex
	sent []Message
	err  error
}

var _ Mailer = (*Fake)(nil)

// Send records msgs and returns nil for each, or, after FailWith(err) with a
// non-nil err, records nothing and returns err for each. Messages not
// reached when ctx ends are not recorded and fail with ErrCanceled.
func (f *Fake) Send(ctx context.Context, msgs []Message) []error {
	f.mu.Lock()
	defer f.mu.Unlock()
	errs := make([]error, len(msgs))
	if f.err != nil {
		for i := range errs {
			errs[i] = f.err
		}
		return errs
	}
	for i, m := range msgs {
		// As the real mailers do, nothing more is sent once ctx ends, even
		// from a progress function (a caller that could not record the
		// last delivery).
		if err := ctx.Err(); err != nil {
			failPending(errs[i:], fmt.Errorf("%w: %w", ErrCanceled, err))
			break
		}
		f.sent = append(f.sent, m)
		if m.Copy != nil {
			m.Copy.Reset()
			if err := fakeSender.writeMessage(m.Copy, m, time.Now()); err != nil {
				m.Copy.Reset()
			}
		}
		delivered(ctx, i)
	}
	return errs
}

// fakeSender is who the fake mailer's copies are from.
var fakeSender = func() sender {
	s, err := parseSender("Sunshine <reminders@sunshine.example>")
	if err != nil {
		panic(err)
	}
	return s
}()

// Describe says this is the fake mailer.
func (f *Fake) Describe() string { return "fake mailer (test)" }

// Sent returns a copy of every message accepted so far, in order.
func (f *Fake) Sent() []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Message(nil), f.sent...)
}

// FailWith makes later Sends fail every message with err; nil makes them
// succeed again.
func (f *Fake) FailWith(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}
