// Preloaded into a child `node` (--import): print its peak RSS in KiB on stderr as it exits.
process.on('exit', () => process.stderr.write(`max-rss-kib ${process.resourceUsage().maxRSS}\n`));
