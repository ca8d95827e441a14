const root = Deno.args[0]!;
const { denoRuntime } = await import(`${root}/src/deno_runtime.ts`);
const { loadSsoProfile } = await import(`${root}/src/config/load_sso_profile.ts`);
const t0 = performance.now();
const rt = denoRuntime({ releaseLocksOnInterrupt: true });
const p = await loadSsoProfile(rt, "corp");
const t1 = performance.now();
console.log((t1 - t0).toFixed(3), p.ssoRegion);
