package sunshine

import (
	"strings"
	"time"
	"unicode"
)

// SearchAlert is a person's saved search: about every hour Sunshine
// compares its words with what happened since (a request filed or edited,
// a communication logged or corrected, a document added and read, a note
// written) and emails the person what matches, each match once.
// A reporter following "detainer" across a hundred requests learns of the
// page that mentions it the day it is released.
type SearchAlert struct {
	ID         string     `db:"id" json:"id"`
	UserID     string     `db:"user_id" json:"-"`
	Q          string     `db:"q" json:"q"`
	CreatedAt  time.Time  `db:"created_at" json:"created_at"`
	CheckedAt  time.Time  `db:"checked_at" json:"checked_at"`
	LastSentAt *time.Time `db:"last_sent_at" json:"last_sent_at"`
}

// MaxSearchAlerts is how many search alerts a person may have.
const MaxSearchAlerts = 20

// SearchAlertEvery is about how often an alert is checked.
const SearchAlertEvery = time.Hour

// SearchAlertWords checks and tidies the words of a new alert: as a search
// takes them, 1 to 200 characters, spaces inside collapsed.
func SearchAlertWords(q string) (string, error) {
	q = strings.Join(strings.Fields(q), " ")
	switch {
	case q == "":
		return "", FieldInvalid("q", "must be given: the words to look for")
	case chars(q) > 200:
		return "", FieldInvalid("q", "must be at most 200 characters")
	case strings.ContainsFunc(q, unicode.IsControl):
		return "", FieldInvalid("q", "must not contain control characters")
	}
	return q, nil
}
