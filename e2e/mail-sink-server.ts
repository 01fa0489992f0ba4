import { createServer } from "node:http";
import { startMailSink } from "../lib/mail/testing/mail-sink";
import { E2E_MAIL_HTTP_PORT, E2E_SMTP_PORT } from "./stack";

// The browser tests' mail server: SMTP in (the app's mail transport), JSON out
// (GET /messages?to=<address>) for the tests, which follow the links as a person would.
const sink = await startMailSink(E2E_SMTP_PORT);
const http = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://sink");
  if (url.pathname === "/healthz") return void res.end("ok");
  if (url.pathname === "/messages") {
    const to = url.searchParams.get("to");
    res.setHeader("content-type", "application/json");
    return void res.end(JSON.stringify(to ? sink.to(to) : sink.messages));
  }
  res.statusCode = 404;
  res.end();
});
http.listen(E2E_MAIL_HTTP_PORT, "127.0.0.1");
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => {
    http.close();
    void sink.close().then(() => process.exit(0));
  });
