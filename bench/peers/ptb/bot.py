"""make bench-peers: the /dangky job as a developer would write it with python-telegram-bot 13
(Debian's python3-python-telegram-bot).

A Telegram group message "/dangky" with the form lines "Họ tên: …", "Năm sinh: …", "Thôn: …"
registers one row and replies in the group. PTB 13's Updater.start_webhook answers 200 as soon
as the update is queued, before any handler runs, so it cannot commit before answering; this
bot uses PTB's documented custom-webhook pattern instead (a Dispatcher without worker threads,
process_update inside the HTTP handler), on the standard library's threading HTTP server with
keep-alive: the INSERT is committed and the reply sent before the 200.

Environment: API_ROOT (the fake Bot API), DB (SQLite file), SECRET (webhook secret token).
Prints "listening port=N" once it accepts webhooks (on 127.0.0.1, a free port).
"""
import json
import os
import sqlite3
import threading
import time
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

warnings.filterwarnings("ignore", message=".*upstream urllib3.*")
from telegram import Bot, Update  # noqa: E402
from telegram.ext import CommandHandler, Dispatcher  # noqa: E402
from telegram.utils.request import Request  # noqa: E402

DB = os.environ["DB"]
SECRET = os.environ.get("SECRET", "")
local = threading.local()


def db():
    """One connection per server thread (sqlite3 connections stay in their thread)."""
    if not hasattr(local, "conn"):
        conn = sqlite3.connect(DB, timeout=10)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # as Tận Nhà uses
        local.conn = conn
    return local.conn


with sqlite3.connect(DB) as c:
    c.execute("""CREATE TABLE IF NOT EXISTS registrations (
      id INTEGER PRIMARY KEY, chat_id TEXT NOT NULL, from_id TEXT NOT NULL, name TEXT NOT NULL,
      birth_year INTEGER, village TEXT NOT NULL, created_at INTEGER NOT NULL)""")


def parse_form(text):
    """The form's "Key: value" lines, keys lower-cased."""
    form = {}
    for line in text.split("\n")[1:]:
        key, sep, value = line.partition(":")
        if sep and key.strip():
            form[key.strip().lower()] = value.strip()
    return form


def dangky(update, context):
    form = parse_form(update.message.text)
    name, village = form.get("họ tên"), form.get("thôn")
    try:
        year = int(form.get("năm sinh", ""))
    except ValueError:
        year = 0
    if not name or not village or not 1900 <= year <= 2026:
        update.message.reply_text("Thiếu thông tin: cần Họ tên, Năm sinh, Thôn.")
        return
    conn = db()
    with conn:  # commits
        cur = conn.execute(
            "INSERT INTO registrations (chat_id, from_id, name, birth_year, village, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (str(update.effective_chat.id), str(update.effective_user.id), name, year, village, int(time.time())))
    context.bot.send_message(
        chat_id=update.effective_chat.id,
        text=f"Đã ghi nhận yêu cầu số {cur.lastrowid}: {name} ({year}), thôn {village}. "
             "Cán bộ sẽ đến tận nhà vào ngày thăm gần nhất.")


# The connection pool sized for the server's threads, as PTB's docs advise.
bot = Bot(os.environ.get("TOKEN", "123456:peers"), base_url=os.environ["API_ROOT"] + "/bot",
          request=Request(con_pool_size=64))
dispatcher = Dispatcher(bot, None, workers=0)
dispatcher.add_handler(CommandHandler("dangky", dangky))


class Webhook(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if SECRET and self.headers.get("X-Telegram-Bot-Api-Secret-Token") != SECRET:
            return self.answer(401)
        dispatcher.process_update(Update.de_json(json.loads(body), bot))
        self.answer(200)

    def answer(self, status):
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Webhook)
server.daemon_threads = True
print(f"listening port={server.server_address[1]}", flush=True)
server.serve_forever()
