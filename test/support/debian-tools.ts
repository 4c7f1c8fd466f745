import { execFileSync } from 'node:child_process';

const has = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/**
 * Command-line tools the tests read their output with (poppler-utils for PDFs, zbar-tools for QR
 * codes): installed from Debian's packages when a command is missing (tests run as root), as
 * chromium.ts does for the browser and scripts/ensure-services.sh for PostgreSQL and Redis.
 */
export function ensureDebianTools(pkg: string, commands: string[]): void {
  if (commands.every(has)) return;
  const install = () => execFileSync('apt-get', ['install', '-y', '--no-install-recommends', pkg], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  try {
    install();
  } catch {
    execFileSync('apt-get', ['update'], { stdio: 'ignore' });
    install();
  }
}
