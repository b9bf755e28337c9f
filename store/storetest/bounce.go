package storetest

import (
	"fmt"
	"time"
)

// Bounce is a delivery status notification (RFC 3464) as Postfix writes
// it, to the reply address with token replyToken: the email whose
// Message-ID is messageID ("letter-<id>@host" for a letter email) did not
// reach failed, forwarded there from original ("" when it went straight).
// The returned headers date it sent (none when zero).
func Bounce(replyToken, messageID, failed, original string, sent time.Time) []byte {
	date := ""
	if !sent.IsZero() {
		date = "Date: " + sent.UTC().Format(time.RFC1123Z) + "\r\n"
	}
	orig := "Original-Recipient: rfc822;" + failed + "\r\n"
	if original != "" {
		orig = "Original-Recipient: rfc822;" + original + "\r\n"
	}
	return fmt.Appendf(nil, "Return-Path: <>\r\n"+
		"Date: Wed,  5 Apr 2017 10:00:00 -0700 (PDT)\r\n"+
		"From: MAILER-DAEMON@mail.sunshine.example (Mail Delivery System)\r\n"+
		"Subject: Undelivered Mail Returned to Sender\r\n"+
		"To: request-%[1]s@replies.ndlon.example\r\n"+
		"Auto-Submitted: auto-replied\r\n"+
		"MIME-Version: 1.0\r\n"+
		"Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"AB12C3D4E5.1491411600/mail.sunshine.example\"\r\n"+
		"Message-Id: <20170405170000.AB12C3D4E5@mail.sunshine.example>\r\n\r\n"+
		"This is a MIME-encapsulated message.\r\n\r\n"+
		"--AB12C3D4E5.1491411600/mail.sunshine.example\r\n"+
		"Content-Description: Notification\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"+
		"I'm sorry to have to inform you that your message could not\r\nbe delivered to one or more recipients. It's attached below.\r\n\r\n"+
		"<%[3]s>: host mx.example[203.0.113.5] said: 550 5.1.1 <%[3]s>:\r\n    Recipient address rejected: User unknown (in reply to RCPT TO command)\r\n\r\n"+
		"--AB12C3D4E5.1491411600/mail.sunshine.example\r\n"+
		"Content-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\n"+
		"Reporting-MTA: dns; mail.sunshine.example\r\nX-Postfix-Queue-ID: AB12C3D4E5\r\n\r\n"+
		"Final-Recipient: rfc822; %[3]s\r\n%[4]sAction: failed\r\nStatus: 5.1.1\r\nRemote-MTA: dns; mx.example\r\n"+
		"Diagnostic-Code: smtp; 550 5.1.1 <%[3]s>: Recipient\r\n    address rejected: User unknown\r\n\r\n"+
		"--AB12C3D4E5.1491411600/mail.sunshine.example\r\n"+
		"Content-Description: Undelivered Message Headers\r\nContent-Type: text/rfc822-headers\r\n\r\n"+
		"Return-Path: <request-%[1]s@replies.ndlon.example>\r\n"+
		"From: \"Admin of ndlon, ndlon\" <reminders@sunshine.example>\r\n"+
		"To: %[3]s\r\nSubject: California Public Records Act request\r\n"+
		"Message-ID: <%[2]s>\r\n%[5]s\r\n"+
		"--AB12C3D4E5.1491411600/mail.sunshine.example--\r\n", replyToken, messageID, failed, orig, date)
}
