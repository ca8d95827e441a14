import assert from "node:assert/strict";
import { join } from "node:path";
import { SsoError } from "../../src/errors.ts";
import { denoFileSystem } from "../../src/deno_runtime.ts";
import { writeFileSafely } from "../../src/files/write_file_safely.ts";
import { testRuntime, withTmpDir } from "../helpers.ts";

const posix = Deno.build.os !== "windows";
const WRITER = new URL("./_writer_child.ts", import.meta.url).pathname;

/** The permission bits of a path. */
async function modeOf(path: string): Promise<number> {
  return (await Deno.stat(path)).mode! & 0o777;
}

/** The temp files (`.<name>.<pid>.<hex>.tmp`) in a folder. */
async function temps(folder: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(folder)) {
    if (entry.name.endsWith(".tmp")) names.push(entry.name);
  }
  return names;
}

/** Asserts that `promise` rejects with an `SsoError` of `code` and returns it. */
async function rejectsWith(promise: Promise<unknown>, code: string): Promise<SsoError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof SsoError, `expected an SsoError, got ${err}`);
    assert.equal(err.code, code);
    return err;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

Deno.test("writeFileSafely() creates a new file 0600 and missing folders 0700", async () => {
  await using tmp = await withTmpDir();
  const runtime = testRuntime({ home: tmp.path });
  const path = join(tmp.path, "a", "b", "config");
  await writeFileSafely(runtime, path, "[default]\n");
  assert.equal(await Deno.readTextFile(path), "[default]\n");
  if (posix) {
    assert.equal(await modeOf(path), 0o600);
    assert.equal(await modeOf(join(tmp.path, "a")), 0o700);
    assert.equal(await modeOf(join(tmp.path, "a", "b")), 0o700);
  }
  assert.deepEqual(await temps(join(tmp.path, "a", "b")), []);
  assert.equal(runtime.err(), "");
});

Deno.test({
  name: "writeFileSafely() keeps the mode of an existing file",
  ignore: !posix,
  async fn(t) {
    for (const mode of [0o640, 0o644, 0o600, 0o660]) {
      await t.step(`0${mode.toString(8)} stays`, async () => {
        await using tmp = await withTmpDir();
        const runtime = testRuntime({ home: tmp.path });
        const path = join(tmp.path, "config");
        await Deno.writeTextFile(path, "old\n");
        await Deno.chmod(path, mode);
        await writeFileSafely(runtime, path, "new\n");
        assert.equal(await Deno.readTextFile(path), "new\n");
        assert.equal(await modeOf(path), mode);
        assert.equal(runtime.err(), "");
      });
    }
  },
});

Deno.test({
  name: "writeFileSafely() tightens a secret file wider than 0600 and says so on stderr",
  ignore: !posix,
  async fn(t) {
    const cases: [number, number, boolean][] = [
      [0o644, 0o600, true],
      [0o666, 0o600, true],
      [0o640, 0o600, true],
      [0o700, 0o600, true],
      [0o600, 0o600, false],
    ];
    for (const [before, after, noted] of cases) {
      await t.step(`0${before.toString(8)} becomes 0${after.toString(8)}`, async () => {
        await using tmp = await withTmpDir();
        const runtime = testRuntime({ home: tmp.path });
        const path = join(tmp.path, "credentials");
        await Deno.writeTextFile(path, "old\n");
        await Deno.chmod(path, before);
        await writeFileSafely(runtime, path, "new\n", { secret: true });
        assert.equal(await Deno.readTextFile(path), "new\n");
        assert.equal(await modeOf(path), after);
        assert.equal(
          runtime.err(),
          noted ? `aws-sso: tightened ${path} to mode 0600 (it holds secrets)\n` : "",
        );
      });
    }
  },
});

Deno.test("writeFileSafely() writes nothing when validate throws, and passes its error on", async (t) => {
  await t.step("an existing file", async () => {
    await using tmp = await withTmpDir();
    const runtime = testRuntime({ home: tmp.path });
    const path = join(tmp.path, "config");
    await Deno.writeTextFile(path, "old\n");
    const invalid = new SyntaxError("Cannot parse config: line 1");
    await assert.rejects(
      writeFileSafely(runtime, path, "[broken\n", {
        validate: () => {
          throw invalid;
        },
      }),
      (err) => err === invalid,
    );
    assert.equal(await Deno.readTextFile(path), "old\n");
    assert.deepEqual(await temps(tmp.path), []);
  });
  await t.step("a new file in a new folder", async () => {
    await using tmp = await withTmpDir();
    const runtime = testRuntime({ home: tmp.path });
    const path = join(tmp.path, "new", "config");
    await assert.rejects(
      writeFileSafely(runtime, path, "x", {
        validate: () => {
          throw new SyntaxError("no");
        },
      }),
      SyntaxError,
    );
    assert.equal(await runtime.fs.stat(join(tmp.path, "new")), null);
  });
  await t.step("validate sees the text", async () => {
    await using tmp = await withTmpDir();
    const runtime = testRuntime({ home: tmp.path });
    const seen: string[] = [];
    await writeFileSafely(runtime, join(tmp.path, "config"), "text", {
      validate: (text) => void seen.push(text),
    });
    assert.deepEqual(seen, ["text"]);
  });
});

Deno.test("writeFileSafely() removes its temp file and leaves the target when a step fails", async (t) => {
  const failures: [string, Partial<typeof denoFileSystem>][] = [
    ["the rename fails", {
      rename: () =>
        Promise.reject(new Deno.errors.PermissionDenied("Permission denied (os error 13)")),
    }],
    ["the disk fills up mid-write", {
      async writeFile(path, data, options) {
        await denoFileSystem.writeFile(path, data.slice(0, data.length / 2), options);
        throw new Error("No space left on device (os error 28)");
      },
    }],
    ["the chmod fails", {
      chmod: () => Promise.reject(new Error("Operation not supported (os error 95)")),
    }],
  ];
  for (const [name, broken] of failures) {
    await t.step(name, async () => {
      await using tmp = await withTmpDir();
      const runtime = testRuntime({
        home: tmp.path,
        overrides: { fs: { ...denoFileSystem, ...broken } },
      });
      const path = join(tmp.path, "config");
      await Deno.writeTextFile(path, "old\n");
      await Deno.chmod(path, 0o640);
      const err = await rejectsWith(
        writeFileSafely(runtime, path, "new\n".repeat(1000)),
        "FILE_ERROR",
      );
      assert.match(err.message, new RegExp(`^Cannot write ${path}: `));
      assert.ok(err.hint);
      assert.equal(await Deno.readTextFile(path), "old\n");
      assert.deepEqual(await temps(tmp.path), []);
    });
  }
});

Deno.test({
  name: "writeFileSafely() writes through a symlink and keeps the link",
  ignore: !posix,
  async fn() {
    await using tmp = await withTmpDir();
    const runtime = testRuntime({ home: tmp.path });
    const dotfiles = join(tmp.path, "dotfiles");
    const aws = join(tmp.path, ".aws");
    await Deno.mkdir(dotfiles);
    await Deno.mkdir(aws);
    const real = join(dotfiles, "aws-config");
    const link = join(aws, "config");
    await Deno.writeTextFile(real, "old\n");
    await Deno.chmod(real, 0o640);
    await Deno.symlink("../dotfiles/aws-config", link);

    await writeFileSafely(runtime, link, "new\n", { label: "AWS config file" });

    assert.ok((await Deno.lstat(link)).isSymlink);
    assert.equal(await Deno.readLink(link), "../dotfiles/aws-config");
    assert.equal(await Deno.readTextFile(real), "new\n");
    assert.equal(await modeOf(real), 0o640);
    assert.deepEqual(await temps(dotfiles), []);
    assert.deepEqual(await temps(aws), []);
  },
});

Deno.test({
  name: "writeFileSafely() fails with one FILE_ERROR in a read-only folder and leaves the original",
  ignore: !posix,
  async fn() {
    await using tmp = await withTmpDir();
    const runtime = testRuntime({ home: tmp.path });
    const folder = join(tmp.path, "ro");
    const path = join(folder, "config");
    await Deno.mkdir(folder);
    await Deno.writeTextFile(path, "old\n");
    await Deno.chmod(folder, 0o500);
    // root ignores mode bits; the immutable attribute stops root too.
    const asRoot = Deno.uid() === 0;
    if (asRoot) {
      const { success } = await new Deno.Command("chattr", { args: ["+i", folder], stderr: "null" })
        .output().catch(() => ({ success: false }));
      if (!success) {
        await Deno.chmod(folder, 0o700);
        console.warn("skipped: running as root without chattr");
        return;
      }
    }
    try {
      const err = await rejectsWith(
        writeFileSafely(runtime, path, "new\n", { label: "AWS config file" }),
        "FILE_ERROR",
      );
      assert.equal(err.message, `Cannot write AWS config file ${path}: permission denied`);
      assert.equal(err.hint, `check that you own ${folder} and can write to it`);
      assert.equal(await Deno.readTextFile(path), "old\n");
      assert.deepEqual(await temps(folder), []);
    } finally {
      if (asRoot) await new Deno.Command("chattr", { args: ["-i", folder] }).output();
      await Deno.chmod(folder, 0o700);
    }
  },
});

Deno.test("writeFileSafely() refuses a folder or a broken link as its target", async (t) => {
  await t.step("a folder", async () => {
    await using tmp = await withTmpDir();
    const runtime = testRuntime({ home: tmp.path });
    const err = await rejectsWith(writeFileSafely(runtime, tmp.path, "x"), "FILE_ERROR");
    assert.equal(err.message, `Cannot write ${tmp.path}: it is a folder`);
  });
  await t.step({
    name: "a link to a missing file",
    ignore: !posix,
    async fn() {
      await using tmp = await withTmpDir();
      const runtime = testRuntime({ home: tmp.path });
      const link = join(tmp.path, "config");
      await Deno.symlink("../gone/aws-config", link);
      const err = await rejectsWith(writeFileSafely(runtime, link, "x"), "FILE_ERROR");
      assert.equal(err.message, `Cannot write ${link}: it is not a regular file`);
      assert.equal(await Deno.readLink(link), "../gone/aws-config");
      assert.deepEqual(await temps(tmp.path), []);
    },
  });
});

Deno.test({
  name: "writeFileSafely() with keepReadOnly leaves a read-only file alone, as the AWS CLI does",
  ignore: !posix,
  async fn() {
    await using tmp = await withTmpDir();
    const runtime = testRuntime({ home: tmp.path });
    const path = join(tmp.path, "credentials");
    await Deno.writeTextFile(path, "[default]\n");
    await Deno.chmod(path, 0o400);
    // Through the rename even root, or any user owning the folder, would replace it.
    const err = await rejectsWith(
      writeFileSafely(runtime, path, "x", { secret: true, keepReadOnly: true }),
      "FILE_ERROR",
    );
    assert.equal(err.message, `Cannot write ${path}: it is read-only (mode 0400)`);
    assert.match(err.hint ?? "", /chmod u\+w/);
    assert.equal(await Deno.readTextFile(path), "[default]\n");
    assert.equal(await modeOf(path), 0o400);
    assert.deepEqual(await temps(tmp.path), []);
    // aws-sso's own caches are replaced, as botocore's JSONFileCache replaces them (os.replace):
    // a refreshed token must not be lost to a stray chmod.
    await writeFileSafely(runtime, path, "new\n", { secret: true });
    assert.equal(await Deno.readTextFile(path), "new\n");
    assert.equal(await modeOf(path), 0o400);
  },
});

Deno.test("writeFileSafely() removes temp files that killed writers left over a minute ago", async () => {
  await using tmp = await withTmpDir();
  const runtime = testRuntime({ home: tmp.path });
  const path = join(tmp.path, "config");
  const old = join(tmp.path, ".config.4242.a1b2c3.tmp");
  const fresh = join(tmp.path, ".config.4243.d4e5f6.tmp");
  const other = join(tmp.path, ".credentials.4242.a1b2c3.tmp");
  for (const p of [old, fresh, other]) await Deno.writeTextFile(p, "partial");
  const twoMinutesAgo = new Date(runtime.now() - 120_000);
  await Deno.utime(old, twoMinutesAgo, twoMinutesAgo);
  await Deno.utime(other, twoMinutesAgo, twoMinutesAgo);

  await writeFileSafely(runtime, path, "new\n");

  assert.deepEqual((await temps(tmp.path)).sort(), [
    ".config.4243.d4e5f6.tmp",
    ".credentials.4242.a1b2c3.tmp",
  ]);
});

/** Spawns the writer child and resolves once it has written once. */
async function startWriter(path: string, bytes: number, how: string): Promise<Deno.ChildProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--allow-read", "--allow-write", WRITER, path, String(bytes), how],
    stdout: "piped",
    stderr: "null",
    stdin: "null",
  }).spawn();
  const reader = child.stdout.getReader();
  let seen = "";
  while (!seen.includes("ready")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the writer child exited before writing");
    seen += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  await child.stdout.cancel();
  return child;
}

/** Kills writers at random moments; resolves to how many kills left a file neither all A nor all B. */
async function killWriters(
  folder: string,
  how: string,
  kills: number,
  stopAtFirstTear: boolean,
): Promise<{ kills: number; torn: number; leftovers: number }> {
  const bytes = 200 * 1024;
  const a = "a".repeat(bytes);
  const b = "b".repeat(bytes);
  const path = join(folder, "config");
  await Deno.writeTextFile(path, a);
  let torn = 0;
  let done = 0;
  const deadline = Date.now() + 15_000;
  while (done < kills && Date.now() < deadline) {
    const child = await startWriter(path, bytes, how);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 40));
    child.kill("SIGKILL");
    await child.status;
    done++;
    const text = await Deno.readTextFile(path);
    if (text !== a && text !== b) {
      torn++;
      if (stopAtFirstTear) break;
    }
  }
  return { kills: done, torn, leftovers: (await temps(folder)).length };
}

Deno.test({
  name:
    "writeFileSafely() leaves the old or the new text, never a torn file, when the writer is killed",
  ignore: !posix,
  async fn() {
    await using tmp = await withTmpDir();
    const { kills, torn, leftovers } = await killWriters(tmp.path, "safe", 25, false);
    assert.ok(kills >= 20, `only ${kills} kills in the time allowed`);
    assert.equal(torn, 0, `${torn} of ${kills} kills left a torn file`);
    // A writer killed between creating its temp file and renaming it leaves the temp file; the
    // target is whole anyway, and a later write removes leftovers once they are a minute old.
    assert.ok(leftovers <= kills);
  },
});

Deno.test({
  name: "writeFileSafely() kill test sees torn files when writes are not atomic (control)",
  ignore: !posix,
  async fn() {
    await using tmp = await withTmpDir();
    const { kills, torn } = await killWriters(tmp.path, "naive", 25, true);
    assert.ok(torn > 0, `no torn file in ${kills} kills of a truncate-and-write writer`);
  },
});
