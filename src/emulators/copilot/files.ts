import { createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";

/**
 * The report-file host: signed links on a second server (another port, as GitHub's files live on
 * another host name). A link needs no credentials, ignores any it is sent, and expires; an expired
 * or tampered link is a 403 with a storage-style XML body. Every request is logged with its
 * headers so tests can check that no token ever arrives here.
 */

export interface FileRequest {
  path: string;
  headers: IncomingHttpHeaders;
  status: number;
}

export type FileFault =
  /** Send half the body (ending inside a line), then close. */
  | { kind: "truncate" }
  /** A complete response whose last line is cut short. */
  | { kind: "bad-line" }
  | { kind: "reset" }
  | { kind: "status"; status: number }
  /** Serve the file gzip-compressed without saying so. */
  | { kind: "raw-gzip" }
  /** Serve the file with `Content-Encoding: gzip`. */
  | { kind: "gzip" };

export interface FileHost {
  url: string;
  requests: FileRequest[];
  /** Link lifetime; tests shorten it to let links expire. */
  ttlMs: number;
  /** This many of the next links are published already expired (a slow client, simulated). */
  expireNext: number;
  /** Stores a file and returns its signed link. */
  publish(name: string, text: string): string;
  inject(fault: FileFault, times?: number): void;
  close(): Promise<void>;
}

export async function startFileHost(now: () => number = Date.now): Promise<FileHost> {
  const secret = randomBytes(16);
  const files = new Map<string, string>();
  const faults: { fault: FileFault; left: number }[] = [];
  const requests: FileRequest[] = [];
  const sign = (path: string, expires: number) =>
    createHmac("sha256", secret).update(`${path}\n${expires}`).digest("hex").slice(0, 32);

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://files");
    const log = (status: number) => requests.push({ path: url.pathname, headers: req.headers, status });
    const refuse = (status: number, code: string) => {
      res.writeHead(status, { "content-type": "application/xml" });
      res.end(`<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code></Error>`);
      log(status);
    };
    const expires = Number(url.searchParams.get("se"));
    const text = files.get(url.pathname);
    if (text === undefined) return refuse(404, "BlobNotFound");
    if (url.searchParams.get("sig") !== sign(url.pathname, expires))
      return refuse(403, "AuthenticationFailed");
    if (!(expires > now())) return refuse(403, "AuthenticationFailed: signed expiry time has passed");
    const slot = faults.find((f) => f.left > 0);
    if (slot) slot.left--;
    const fault = slot?.fault;
    if (fault?.kind === "reset") {
      log(0);
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "status") return refuse(fault.status, "ServerBusy");
    const headers = { "content-type": "application/x-ndjson" };
    if (fault?.kind === "raw-gzip") {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(gzipSync(text));
      return log(200);
    }
    if (fault?.kind === "gzip") {
      res.writeHead(200, { ...headers, "content-encoding": "gzip" });
      res.end(gzipSync(text));
      return log(200);
    }
    if (fault?.kind === "truncate") {
      res.writeHead(200, { ...headers, "content-length": String(Buffer.byteLength(text)) });
      res.write(text.slice(0, Math.floor(text.length / 2)));
      log(200);
      setImmediate(() => req.socket.destroy());
      return;
    }
    const body = fault?.kind === "bad-line" ? text.replace(/\n$/, "").slice(0, -7) : text;
    res.writeHead(200, headers);
    res.end(body);
    log(200);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const host: FileHost = {
    url,
    requests,
    ttlMs: 10 * 60_000,
    expireNext: 0,
    publish(name, text) {
      const path = `/_reports/${name}.ndjson`;
      files.set(path, text);
      const expired = host.expireNext > 0;
      if (expired) host.expireNext--;
      const expires = expired ? now() - 1000 : now() + host.ttlMs;
      return `${url}${path}?se=${expires}&sig=${sign(path, expires)}`;
    },
    inject: (fault, times = 1) => {
      faults.push({ fault, left: times });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return host;
}
