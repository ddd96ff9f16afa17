// The Bolt for JavaScript side of `marketingminds bench slack`: an HTTP
// receiver on PORT whose app_mention handler waits TURN_MS (the scripted
// model's latency) and answers in the event's thread with chat.postMessage
// against SLACK_API_URL (the bench's fake Web API).
const { App, LogLevel } = require('@slack/bolt');

const turnMs = Number(process.env.TURN_MS || 2000);
const app = new App({
  token: process.env.SLACK_BOT_TOKEN,
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
  logLevel: LogLevel.ERROR,
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

app.event('app_mention', async ({ event, client }) => {
  await sleep(turnMs);
  await client.chat.postMessage({ channel: event.channel, thread_ts: event.ts, text: 'done' });
});

(async () => {
  await app.start(Number(process.env.PORT || 3000));
  console.log('bolt: listening');
})();
