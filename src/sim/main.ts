/** Entry point of `npm run sim` (node dist/sim/main.js); see sweep-cli.ts for the options. */
import { parseSweepArgs, sweepMain } from './sweep-cli.js';

async function main(): Promise<void> {
  let args: ReturnType<typeof parseSweepArgs>;
  try {
    args = parseSweepArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`sim: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 2;
    return;
  }
  process.exitCode = await sweepMain(args, (line) => console.log(line));
}

await main();
