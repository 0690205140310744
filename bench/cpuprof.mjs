// Preload for bench/profile.ts (`node --import ./bench/cpuprof.mjs`): SIGUSR2 starts a V8 CPU
// profile, the next SIGUSR2 stops it and writes CPUPROF_FILE, so the profile covers only the
// calls measured, not the boot or the warm-up. The sampling interval is V8's default (1 ms
// would miss most of a 2 ms request; 100 µs here).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const file = process.env.CPUPROF_FILE;
if (file) {
  const session = new Session();
  session.connect();
  const post = (method, params) =>
    new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
  let running = false;
  process.on('SIGUSR2', async () => {
    if (!running) {
      running = true;
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 100 });
      await post('Profiler.start');
      process.stderr.write('cpuprof: started\n');
    } else {
      running = false;
      const { profile } = await post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      process.stderr.write('cpuprof: written\n');
    }
  });
}
