// Writes the Outlook messages (.msg) the tests read: an agency's reply
// with a recipient in copy and an attachment, the same with its text in
// HTML only, and one with ANSI (code page 1252) strings. Outlook is not at
// hand, so they are built as Outlook writes them ([MS-OXMSG]: properties
// as streams of an OLE compound file) with SheetJS's cfb:
//   npm install cfb@1.2.2 && node make-msg.js
const CFB = require('cfb');
const fs = require('fs');

const u16 = (s) => Buffer.from(s + '\0', 'utf16le');
const ansi = (s) => Buffer.from(s.replace(/—/g, '\x97') + '\0', 'latin1'); // code page 1252
// A fixed-size property: type, id, flags (readable, writable), 8 bytes.
function prop(type, id, value) {
  const b = Buffer.alloc(16);
  b.writeUInt16LE(type, 0);
  b.writeUInt16LE(id, 2);
  b.writeUInt32LE(6, 4);
  value.copy(b, 8);
  return b;
}
// FILETIME: 100 ns intervals since 1601-01-01 UTC.
function filetime(iso) {
  const t = (BigInt(Date.parse(iso)) + 11644473600000n) * 10000n;
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(t);
  return b;
}
function int32(n) {
  const b = Buffer.alloc(8);
  b.writeInt32LE(n);
  return b;
}

function message(path, { html, ansiStrings, czech }) {
  const cfb = CFB.utils.cfb_new();
  const str = (id, s) => ansiStrings
    ? CFB.utils.cfb_add(cfb, `/__substg1.0_${id}001E`, ansi(s))
    : CFB.utils.cfb_add(cfb, `/__substg1.0_${id}001F`, u16(s));
  if (czech) {
    // Code page 1250: "ř" is 0xF8 (in 1252, "ø").
    CFB.utils.cfb_add(cfb, '/__substg1.0_0037001E', Buffer.concat([Buffer.from('Žádost o informace: p', 'latin1').map((b, i) => i === 0 ? 0x8E : b), Buffer.from([0xF8]), Buffer.from('ijato\0', 'latin1')]));
  } else {
    str('0037', 'RE: CPRA request R-2017-118 — records of ICE detainers');
  }
  str('0C1A', 'Records Unit, Sacramento County Sheriff');
  if (czech) { // sent through Exchange: its own address, and the SMTP one it sent for
    str('0C1F', '/O=EXCHANGELABS/OU=EXCHANGE ADMINISTRATIVE GROUP/CN=RECIPIENTS/CN=RECORDS');
    str('5D02', 'records@sacsheriff.example');
  } else {
    str('5D01', 'records@sacsheriff.example');
  }
  str('0E04', 'Ana Ruiz');
  str('0E03', 'Legal Desk');
  const body = 'Dear Ms. Ruiz,\r\n\r\nThe department needs 14 more days to review the quokka detainer logs (Gov. Code 7922.535).\r\n\r\nRecords Unit';
  if (html) {
    CFB.utils.cfb_add(cfb, '/__substg1.0_10130102', Buffer.from('<html><body><p>Dear Ms. Ruiz,</p><p>The department needs 14 more days to review the <b>quokka</b> detainer logs (Gov. Code 7922.535).</p></body></html>', 'utf8'));
  } else {
    str('1000', body);
  }
  const header = Buffer.alloc(32); // next recipient and attachment IDs, counts
  header.writeUInt32LE(2, 8); header.writeUInt32LE(1, 12); header.writeUInt32LE(2, 16); header.writeUInt32LE(1, 20);
  CFB.utils.cfb_add(cfb, '/__properties_version1.0', Buffer.concat([header,
    prop(0x0040, 0x0039, filetime('2017-04-05T23:30:00Z')), // submitted
    prop(0x0040, 0x0E06, filetime('2017-04-05T23:31:00Z')), // delivered
    ...(czech ? [prop(0x0003, 0x3FFD, int32(1250))] : []), // its code page
  ]));
  const recips = [['Ana Ruiz', 'ana@ndlon.example', 1], ['Legal Desk', 'legal@ndlon.example', 2], ['Hidden', 'bcc@ndlon.example', 3]];
  recips.forEach(([name, addr, type], i) => {
    const dir = `/__recip_version1.0_#0000000${i}`;
    const s = (id, v) => ansiStrings ? CFB.utils.cfb_add(cfb, `${dir}/__substg1.0_${id}001E`, ansi(v)) : CFB.utils.cfb_add(cfb, `${dir}/__substg1.0_${id}001F`, u16(v));
    s('3001', name);
    s('39FE', addr);
    CFB.utils.cfb_add(cfb, `${dir}/__properties_version1.0`, Buffer.concat([Buffer.alloc(8), prop(0x0003, 0x0C15, int32(type))]));
  });
  const att = '/__attach_version1.0_#00000000';
  CFB.utils.cfb_add(cfb, `${att}/__substg1.0_3707001F`, u16('Detainer log 2016.csv'));
  CFB.utils.cfb_add(cfb, `${att}/__substg1.0_37010102`, Buffer.from('date,name\n2016-03-01,quokka\n'));
  CFB.utils.cfb_add(cfb, `${att}/__properties_version1.0`, Buffer.alloc(8));
  fs.writeFileSync(path, CFB.write(cfb, { type: 'buffer' }));
}

message('agency-reply.msg', {});
message('agency-reply-html.msg', { html: true });
message('agency-reply-ansi.msg', { ansiStrings: true });
message('agency-reply-1250.msg', { ansiStrings: true, czech: true });
