/** Sends the weekly report: an HTML email with the CSV attached, and a Slack summary. */
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';

export interface EmailTarget {
  smtpUrl: string;
  from: string;
  to: string[];
}

export async function sendEmail(target: EmailTarget, mail: { subject: string; html: string; text: string; csvName: string; csv: string }): Promise<void> {
  const options: SMTPTransport.Options = { url: target.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };
  // Loaded when a report is mailed: the service otherwise never needs nodemailer in memory.
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport(options);
  try {
    await transport.sendMail({
      from: target.from,
      to: target.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      attachments: [{ filename: mail.csvName, content: mail.csv, contentType: 'text/csv; charset=utf-8' }],
    });
  } finally {
    transport.close();
  }
}

export async function postSlack(webhookUrl: string, message: { text: string }): Promise<void> {
  const res = await fetch(webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(message),
    redirect: 'error',
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`Slack answered HTTP ${res.status}`);
}
