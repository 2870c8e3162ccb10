// make bench-peers: the /dangky job as a developer would write it with grammY and
// better-sqlite3. A Telegram group message "/dangky" with the form lines "Họ tên: …",
// "Năm sinh: …", "Thôn: …" registers one row and replies in the group.
// grammY's webhookCallback answers the webhook once the handler has finished, so the INSERT
// (autocommit) and the reply both happen before the 200.
// Environment: API_ROOT (the fake Bot API), DB (SQLite file), SECRET (webhook secret token).
// Prints "listening port=N" once it accepts webhooks (on 127.0.0.1, a free port).
const http = require("node:http");
const Database = require("better-sqlite3");
const { Bot, webhookCallback } = require("grammy");

const db = new Database(process.env.DB);
// better-sqlite3's documented recommendation; synchronous=NORMAL as Tận Nhà uses.
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.exec(`CREATE TABLE IF NOT EXISTS registrations (
  id INTEGER PRIMARY KEY, chat_id TEXT NOT NULL, from_id TEXT NOT NULL, name TEXT NOT NULL,
  birth_year INTEGER, village TEXT NOT NULL, created_at INTEGER NOT NULL)`);
const insert = db.prepare(`INSERT INTO registrations (chat_id, from_id, name, birth_year, village, created_at)
  VALUES (?, ?, ?, ?, ?, ?)`);

/** The form's "Key: value" lines, keys lower-cased. */
function parseForm(text) {
  const form = {};
  for (const line of text.split("\n").slice(1)) {
    const i = line.indexOf(":");
    if (i > 0) form[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return form;
}

const bot = new Bot(process.env.TOKEN || "123456:peers", { client: { apiRoot: process.env.API_ROOT } });

bot.command("dangky", async (ctx) => {
  const form = parseForm(ctx.msg.text);
  const name = form["họ tên"], year = parseInt(form["năm sinh"], 10), village = form["thôn"];
  if (!name || !village || !(year >= 1900 && year <= 2026)) {
    await ctx.reply("Thiếu thông tin: cần Họ tên, Năm sinh, Thôn.");
    return;
  }
  const { lastInsertRowid } = insert.run(String(ctx.chat.id), String(ctx.from.id), name, year, village,
                                         Math.floor(Date.now() / 1000));
  await ctx.reply(`Đã ghi nhận yêu cầu số ${lastInsertRowid}: ${name} (${year}), thôn ${village}. ` +
                  `Cán bộ sẽ đến tận nhà vào ngày thăm gần nhất.`);
});

const server = http.createServer(webhookCallback(bot, "http", { secretToken: process.env.SECRET }));
server.listen(0, "127.0.0.1", () => console.log(`listening port=${server.address().port}`));
