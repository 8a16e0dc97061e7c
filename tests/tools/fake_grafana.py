#!/usr/bin/env python3
"""A stand-in for Grafana's HTTP API, for the publish integration test.

Listens on 127.0.0.1 (port 0 = the kernel picks one) and prints the chosen
port on the first line of stdout. Every request is appended to the record
file as one JSON line: {"method", "path", "headers", "body"} where body is the
parsed JSON when it parses, else the text.

It answers like Grafana 9/10 for the endpoints reconcile uses:
  GET  /api/health
  GET  /api/folders                 list
  GET  /api/folders/<uid>           200 | 404
  POST /api/folders                 200 | 409 (title taken)
  PUT  /api/folders/<uid>           rename
  GET  /api/dashboards/uid/<uid>    200 {"dashboard", "meta"} | 404
  POST /api/dashboards/db           200 | 412 version-mismatch (without overwrite)
Every /api call except /api/health needs "Authorization: Bearer <token>"
(token from FAKE_GRAFANA_TOKEN), else 401 {"message": "invalid API key"}.
Saved dashboards get "id" and "version" like Grafana's store does.

Behaviour is scripted through a control file (path in FAKE_GRAFANA_CONTROL),
re-read on every request; its content is one word:
  ok       normal answers (also when the file is missing or empty)
  401      every /api call answers 401
  412      POST /api/dashboards/db answers 412 version-mismatch
  500once  the next POST /api/dashboards/db answers 500, then ok again
           (re-arm by writing the file again)
  html     every request (health, any path, any token) answers 200 text/html
           "<html>login</html>", like a proxy's catch-all or an SSO login page
Only the Python standard library is used.
"""
import json
import os
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

RECORD = os.environ.get("FAKE_GRAFANA_RECORD", "/dev/null")
CONTROL = os.environ.get("FAKE_GRAFANA_CONTROL", "")
TOKEN = os.environ.get("FAKE_GRAFANA_TOKEN", "")

lock = threading.Lock()
folders = {}  # uid -> {"id", "uid", "title", "version"}
dashboards = {}  # uid -> {"dashboard": {...}, "folderUid": ...}
next_id = [1]
armed = {"stamp": None, "fired": False}


def control():
    """The current mode, and whether a one-shot mode is still armed."""
    if not CONTROL:
        return "ok", None
    try:
        st = os.stat(CONTROL)
        with open(CONTROL) as f:
            mode = f.read().strip() or "ok"
    except FileNotFoundError:
        return "ok", None
    return mode, (st.st_mtime_ns, st.st_size, mode)


def slugify(title):
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-grafana/1"

    def log_message(self, fmt, *args):  # quiet: the record file says it all
        pass

    def reply(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def reply_html(self, status, text):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        text = raw.decode("utf-8", "replace")
        try:
            body = json.loads(text) if text else None
        except ValueError:
            body = text
        path = urlsplit(self.path).path
        with lock:
            with open(RECORD, "a") as rec:
                rec.write(json.dumps({"method": self.command, "path": self.path,
                                      "headers": dict(self.headers.items()),
                                      "body": body}) + "\n")
            self.route(path, body)

    do_GET = do_POST = do_PUT = do_DELETE = handle_any

    def route(self, path, body):
        m = self.command
        mode, stamp = control()
        if mode == "html":
            return self.reply_html(200, "<html>login</html>")
        if path == "/api/health":
            return self.reply(200, {"database": "ok", "version": "10.0.0-fake"})
        if mode == "401" or self.headers.get("Authorization") != "Bearer " + TOKEN:
            return self.reply(401, {"message": "invalid API key"})

        if path == "/api/folders" and m == "GET":
            return self.reply(200, [{"id": f["id"], "uid": f["uid"], "title": f["title"]}
                                    for f in folders.values()])
        if path == "/api/folders" and m == "POST":
            title, uid = body.get("title"), body.get("uid")
            if any(f["title"] == title for f in folders.values()):
                return self.reply(409, {"message": "a folder or dashboard in the general "
                                                   "folder with the same name already exists"})
            folders[uid] = {"id": next_id[0], "uid": uid, "title": title, "version": 1}
            next_id[0] += 1
            return self.reply(200, folders[uid])
        fm = re.fullmatch(r"/api/folders/([^/]+)", path)
        if fm:
            f = folders.get(fm.group(1))
            if not f:
                return self.reply(404, {"message": "folder not found", "status": "not-found"})
            if m == "PUT":
                f["title"] = body.get("title", f["title"])
                f["version"] += 1
            return self.reply(200, f)

        dm = re.fullmatch(r"/api/dashboards/uid/([^/]+)", path)
        if dm and m == "GET":
            d = dashboards.get(dm.group(1))
            if not d:
                return self.reply(404, {"message": "Dashboard not found"})
            return self.reply(200, {"dashboard": d["dashboard"],
                                    "meta": {"folderUid": d["folderUid"], "canSave": True,
                                             "slug": slugify(d["dashboard"]["title"])}})
        if path == "/api/dashboards/db" and m == "POST":
            if mode == "500once" and armed["stamp"] != stamp:
                armed["stamp"] = stamp
                return self.reply(500, {"message": "Internal Server Error"})
            if mode == "412":
                return self.reply(412, {"message": "The dashboard has been changed by "
                                                   "someone else", "status": "version-mismatch"})
            dash = dict(body["dashboard"])
            uid = dash["uid"]
            old = dashboards.get(uid)
            if old and not body.get("overwrite") and \
                    dash.get("version") != old["dashboard"]["version"]:
                return self.reply(412, {"message": "The dashboard has been changed by "
                                                   "someone else", "status": "version-mismatch"})
            folder = body.get("folderUid") or ""
            if folder and folder not in folders:
                return self.reply(400, {"message": "folder not found"})
            dash["id"] = old["dashboard"]["id"] if old else next_id[0]
            if not old:
                next_id[0] += 1
            dash["version"] = old["dashboard"]["version"] + 1 if old else 1
            dashboards[uid] = {"dashboard": dash, "folderUid": folder}
            return self.reply(200, {"id": dash["id"], "uid": uid, "status": "success",
                                    "version": dash["version"],
                                    "url": "/d/%s/%s" % (uid, slugify(dash["title"])),
                                    "slug": slugify(dash["title"])})
        return self.reply(404, {"message": "Not found"})


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    srv = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    srv.daemon_threads = True
    print(srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
