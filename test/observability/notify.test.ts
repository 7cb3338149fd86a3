/**
 * Alert notifications against a real SMTP server (smtp-server) and a local HTTP server standing in
 * for Slack's incoming webhook; time is simulated through the notifier's injectable clock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createNotifier, type NotifierOptions } from '../../src/notify/notifier.ts';
import { SuccessRateWatch } from '../../src/notify/success-rate.ts';
import type { ChannelName, NotifyResult } from '../../src/notify/types.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Smtp {
  url: string;
  mails: string[];
  close(): Promise<void>;
}
interface Slack {
  url: string;
  posts: { text: string; blocks: unknown[] }[];
  status: number;
  close(): Promise<void>;
}

async function startSmtp(): Promise<Smtp> {
  const mails: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      let data = '';
      stream.on('data', (c: Buffer) => (data += c.toString()));
      stream.on('end', () => {
        mails.push(data);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise((r) => server.close(() => r())) };
}

async function startSlack(): Promise<Slack> {
  const slack: Slack = { url: '', posts: [], status: 200, close: async () => undefined };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (slack.status === 200) slack.posts.push(JSON.parse(body) as Slack['posts'][number]);
      res.writeHead(slack.status, { 'content-type': 'text/plain' }).end(slack.status === 200 ? 'ok' : 'invalid_payload');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  slack.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/XXXX`;
  slack.close = () => new Promise((r) => server.close(() => r()));
  return slack;
}

/** A port nothing listens on: the SMTP server is dead. */
async function deadPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

function recorder(): { counts: Record<string, number>; onOutcome: NonNullable<NotifierOptions['onOutcome']> } {
  const counts: Record<string, number> = {};
  return {
    counts,
    onOutcome: (channel: ChannelName, result: NotifyResult) => {
      counts[`${channel}:${result}`] = (counts[`${channel}:${result}`] ?? 0) + 1;
    },
  };
}

function subjectOf(mail: string): string {
  return /^Subject: (.*)$/m.exec(mail)?.[1] ?? '';
}

test('an hour-long outage of 1000 alerts sends a handful of messages, each counting what it held back', async () => {
  const [smtp, slack] = await Promise.all([startSmtp(), startSlack()]);
  let now = Date.UTC(2026, 10, 24, 14, 0, 0);
  const start = now;
  const { counts, onOutcome } = recorder();
  const notifier = createNotifier({
    email: { smtpUrl: smtp.url, from: 'alerts@gateway.example', to: ['oncall@example.com'] },
    slack: { webhookUrl: slack.url },
    windowMs: 15 * MINUTE,
    maxPerHour: 12,
    source: 'feexpay-gateway test',
    now: () => now,
    onOutcome,
  });
  try {
    for (let i = 0; i < 1000; i++) {
      now = start + Math.floor((i * HOUR) / 1000);
      notifier.notify({
        fingerprint: 'feexpay-unreachable',
        severity: 'critical',
        title: 'FeexPay unreachable',
        text: `request to pay for 2290167000000 (koffi@example.bj) timed out, key fp_${'x'.repeat(64)}`,
      });
    }
    await notifier.idle();

    assert.equal(slack.posts.length, 4, 'one message per 15-minute window');
    assert.equal(smtp.mails.length, 4);
    assert.deepEqual(counts, { 'email:sent': 4, 'slack:sent': 4, 'email:suppressed': 996, 'slack:suppressed': 996 });
    assert.doesNotMatch(slack.posts[0]?.text ?? '', /suppressed/);
    for (const post of slack.posts.slice(1)) assert.match(post.text, /249 similar alerts suppressed since 2026-11-24T1/);
    assert.doesNotMatch(subjectOf(smtp.mails[0] ?? ''), /suppressed/);
    for (const mail of smtp.mails.slice(1)) assert.match(subjectOf(mail), /^\[CRITICAL\] FeexPay unreachable \(\+249 suppressed\)$/);
    for (const text of [...slack.posts.map((p) => JSON.stringify(p)), ...smtp.mails]) {
      for (const secret of ['2290167000000', 'koffi@example.bj', 'xxxxxxxx']) assert.ok(!text.includes(secret), `${secret} delivered`);
    }
    assert.match(slack.posts[0]?.text ?? '', /request to pay for \[phone\] \(\[email\]\) timed out, key fp_\[redacted\]/);
  } finally {
    await notifier.close();
    await Promise.all([smtp.close(), slack.close()]);
  }
});

test('fingerprints are throttled separately, under a global hourly cap', async () => {
  const slack = await startSlack();
  let now = 0;
  const notifier = createNotifier({ slack: { webhookUrl: slack.url }, windowMs: 15 * MINUTE, maxPerHour: 5, now: () => now });
  try {
    notifier.notify({ fingerprint: 'a', severity: 'warning', title: 'A', text: 'a' });
    notifier.notify({ fingerprint: 'b', severity: 'warning', title: 'B', text: 'b' });
    notifier.notify({ fingerprint: 'a', severity: 'warning', title: 'A', text: 'again' });
    for (let i = 0; i < 10; i++) notifier.notify({ fingerprint: `net-${i}`, severity: 'critical', title: `N${i}`, text: 'down' });
    await notifier.idle();
    assert.deepEqual(
      slack.posts.map((p) => p.text.split('\n')[0]?.split('] ')[1]),
      ['A', 'B', 'N0', 'N1', 'N2'],
    );

    now = HOUR; // the cap has freed up: net-5, held back by the cap, goes out with its count
    notifier.notify({ fingerprint: 'net-5', severity: 'critical', title: 'N5', text: 'down' });
    notifier.notify({ fingerprint: 'a', severity: 'warning', title: 'A', text: 'a' });
    await notifier.idle();
    assert.equal(slack.posts.length, 7);
    assert.match(slack.posts[5]?.text ?? '', /N5\ndown\n1 similar alert suppressed since 1970-01-01T00:00:00.000Z\./);
    assert.match(slack.posts[6]?.text ?? '', /1 similar alert suppressed/);
  } finally {
    await notifier.close();
    await slack.close();
  }
});

test('a dead SMTP server or a failing Slack never reaches the caller: reported as failed', async () => {
  const slack = await startSlack();
  const port = await deadPort();
  const { counts, onOutcome } = recorder();
  const warnings: string[] = [];
  const notifier = createNotifier({
    email: { smtpUrl: `smtp://mailer:hunter2@127.0.0.1:${port}`, from: 'a@gateway.example', to: ['b@example.com'], timeoutMs: 2000 },
    slack: { webhookUrl: slack.url },
    onOutcome,
    log: { warn: (obj, msg) => warnings.push(`${msg} ${JSON.stringify(obj)}`) },
  });
  try {
    assert.doesNotThrow(() => notifier.notify({ fingerprint: 'db', severity: 'critical', title: 'Database down', text: 'x' }));
    await notifier.idle();
    assert.deepEqual(counts, { 'email:failed': 1, 'slack:sent': 1 });

    slack.status = 500;
    notifier.notify({ fingerprint: 'other', severity: 'warning', title: 'Other', text: 'y' });
    await notifier.idle();
    assert.deepEqual(counts, { 'email:failed': 2, 'slack:sent': 1, 'slack:failed': 1 });
    assert.ok(warnings.some((w) => w.includes('by email failed')) && warnings.some((w) => w.includes('Slack webhook answered 500')));
    assert.ok(!warnings.join('').includes('hunter2'), 'SMTP credentials never reach a log line');
  } finally {
    await notifier.close();
    await slack.close();
  }
});

test('SuccessRateWatch alerts when the success ratio collapses, once per window, and on recovery', async () => {
  const slack = await startSlack();
  let now = 0;
  const notifier = createNotifier({ slack: { webhookUrl: slack.url }, windowMs: 15 * MINUTE, now: () => now });
  try {
    const quiet = new SuccessRateWatch({ notifier, label: 'quiet' });
    for (let i = 0; i < 19; i++) quiet.record(false);
    assert.equal(quiet.ratio(), null, 'fewer than 20 outcomes: no verdict');

    const watch = new SuccessRateWatch({ notifier });
    for (let i = 0; i < 45; i++) watch.record(true);
    for (let i = 0; i < 5; i++) watch.record(false);
    assert.equal(watch.ratio(), 0.9);
    assert.equal(slack.posts.length, 0, '45 of 50 is not below 90%');
    watch.record(false);
    for (let i = 0; i < 100; i++) watch.record(false); // the outage goes on: held back
    assert.equal(watch.ratio(), 0);
    now += 20 * MINUTE;
    for (let i = 0; i < 50; i++) watch.record(true); // still below 90% for most of these
    await notifier.idle();

    assert.equal(slack.posts.length, 3);
    assert.match(slack.posts[0]?.text ?? '', /\[CRITICAL\] Payment success rate collapsed\n44 of the last 50 payments succeeded \(88%, threshold 90%\)/);
    assert.match(slack.posts[1]?.text ?? '', /\[CRITICAL\] Payment success rate collapsed\n.*\n100 similar alerts suppressed/);
    assert.match(slack.posts[2]?.text ?? '', /\[INFO\] Payment success rate recovered\n45 of the last 50/);
  } finally {
    await notifier.close();
    await slack.close();
  }
});
