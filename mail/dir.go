package mail

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// dirMailer writes each message to <dir>/<ID>.eml.
type dirMailer struct {
	sender
	dir string
	now func() time.Time
}

// NewDir returns a Mailer that writes each message as <dir>/<ID>.eml (RFC
// 5322, the same headers as SMTP), for `make run` with no mail server. It
// creates dir. Writing the same ID twice overwrites the file, so at-least-once
// delivery still leaves one file per message.
func NewDir(dir, from string) (Mailer, error) {
	s, err := parseSender(from)
	if err != nil {
		return nil, fmt.Errorf("mail: %w", err)
	}
	if dir == "" {
		return nil, fmt.Errorf("mail: outbox directory not set")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("mail: create outbox: %w", err)
	}
	return &dirMailer{sender: s, dir: dir, now: time.Now}, nil
}

func (m *dirMailer) Describe() string { return "files in " + m.dir }

// Send writes each message to a temporary file and renames it into place, so
// a reader never sees half a message.
func (m *dirMailer) Send(ctx context.Context, msgs []Message) []error {
	if len(msgs) == 0 {
		return nil
	}
	errs := make([]error, len(msgs))
	now := m.now()
	for i, msg := range msgs {
		if err := ctx.Err(); err != nil {
			failPending(errs[i:], fmt.Errorf("%w: %w", ErrCanceled, err))
			break
		}
		if errs[i] = m.write(msg, now); errs[i] == nil {
			delivered(ctx, i)
		}
	}
	return errs
}

func (m *dirMailer) write(msg Message, now time.Time) error {
	var buf bytes.Buffer
	if err := m.writeMessage(&buf, msg, now); err != nil {
		return err
	}
	f, err := os.CreateTemp(m.dir, ".tmp-"+msg.ID+"-*")
	if err != nil {
		return fmt.Errorf("mail: message %s: %w", msg.ID, err)
	}
	tmp := f.Name()
	if _, err := f.Write(buf.Bytes()); err != nil {
		_ = f.Close()
		_ = os.Remove(tmp)
		return fmt.Errorf("mail: message %s: %w", msg.ID, err)
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("mail: message %s: %w", msg.ID, err)
	}
	if err := os.Rename(tmp, filepath.Join(m.dir, msg.ID+".eml")); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("mail: message %s: %w", msg.ID, err)
	}
	if msg.Copy != nil {
		msg.Copy.Reset()
		msg.Copy.Write(buf.Bytes())
	}
	return nil
}
