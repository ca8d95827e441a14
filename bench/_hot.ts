import { startFakeAws } from "../testing/mod.ts";
import { cliArgs, cliEnv, writeSsoConfig, FAKE_BROWSER, ROOT } from "../tests/e2e/_cli.ts";
import { permissionFlags } from "../src/cli/permissions.ts";
await using aws = await startFakeAws();
const home = await Deno.makeTempDir();
await writeSsoConfig(home, aws.startUrl);
const opts = { home, env: { ...aws.env, BROWSER: FAKE_BROWSER } };
const env = cliEnv(opts);
const run = async (args: string[]) => { const t0 = performance.now(); const o = await new Deno.Command(Deno.execPath(), { args, env, clearEnv: true, stdout: "piped", stderr: "piped" }).output(); if (o.code) console.log(new TextDecoder().decode(o.stderr)); return performance.now() - t0; };
const hotArgs = cliArgs(["-p", "corp", "-r", "arn:aws:iam::111111111111:role/ReadOnly", "-ext"], opts);
await run(hotArgs);
const c0 = aws.counters.getRoleCredentials;
const verArgs = cliArgs(["--version"], opts);
const floorArgs = ["run", ...permissionFlags((n) => env[n], "linux"), ROOT + "/bench/fixtures/empty.ts"];
const f: number[] = [], h: number[] = [], v: number[] = [];
for (let i = 0; i < 15; i++) { f.push(await run(floorArgs)); v.push(await run(verArgs)); h.push(await run(hotArgs)); }
const med = (x: number[]) => x.sort((a, b) => a - b)[7]!;
console.log("floor", med(f).toFixed(1), "version", med(v).toFixed(1), "hot", med(h).toFixed(1), "ratio", (med(h) / med(f)).toFixed(2), "portal calls during hot runs:", aws.counters.getRoleCredentials - c0);
