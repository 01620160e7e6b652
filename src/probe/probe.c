/*
 * foliolog-probe: runs foliolog script commands (product.md §1) on the real kernel and
 * observes the shmem page cache without perturbing it (kernel.md §0).
 *
 * One long-lived process holds every piece of kernel-side state (mounts, fds, the mapping,
 * pins) and speaks a line protocol on stdin/stdout; src/probe/_protocol.ts documents it.
 *
 * Safety: every THP knob is saved before anything is written and restored on exit, on
 * error, on SIGINT/SIGTERM/SIGHUP and when Node dies (PR_SET_PDEATHSIG). A forked watchdog
 * blocks on a pipe and restores the knobs and removes the temp folder if this process dies
 * without saying so (SIGKILL). Mounts live in a private mount namespace under a mkdtemp
 * folder, so they vanish with the process whatever happens.
 *
 * Built by src/probe/build.ts with `cc -O2 -Wall -Werror`.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/falloc.h>
#include <linux/kernel-page-flags.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 1U
#endif

#define PAGE 4096ULL
#define PMD_BYTES (2ULL << 20)
#define MAX_ORDER_PC 9 /* MAX_PAGECACHE_ORDER on x86-64 */
#define THP "/sys/kernel/mm/transparent_hugepage"
#define DROP_CACHES "/proc/sys/vm/drop_caches"
#define SLEEP_HIGH "86400000" /* khugepaged sleeps: one day, so it never runs between commands */
/* During `khugepaged`: no sleep between scans (a full scan covers every registered mm on the
 * machine, Node's THP-eligible heaps included), and a short sleep after an allocation failure. */
#define KHUGEPAGED_RUN_SLEEP "0"
#define KHUGEPAGED_RUN_ALLOC_SLEEP "10"
#define NR_CACHESTAT 451
#define NR_MEMFD_CREATE 319
#define IO_PIECE (16ULL << 20) /* pwrite/pread pieces: multiples of the 2 MiB copy chunk */
#define OBS_WINDOW (1ULL << 16) /* pages per observer mapping */
#define PMD_PAGES (PMD_BYTES / PAGE)
#define MAX_MOUNTS 256
#define MAX_KNOBS 32
#define MAX_SIZES 16

struct cachestat_range { uint64_t off, len; };
struct cachestat_out { uint64_t nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted; };

/* ---------------------------------------------------------------- small utilities */

struct sb { char *p; size_t n, cap; };

static void die(const char *fmt, ...);

static void sb_grow(struct sb *s, size_t more) {
  if (s->n + more + 1 <= s->cap) return;
  size_t cap = s->cap ? s->cap : 256;
  while (cap < s->n + more + 1) cap *= 2;
  char *p = realloc(s->p, cap);
  if (!p) die("out of memory");
  s->p = p;
  s->cap = cap;
}

static void sb_printf(struct sb *s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  sb_grow(s, (size_t)k);
  va_start(ap, fmt);
  vsnprintf(s->p + s->n, (size_t)k + 1, fmt, ap);
  va_end(ap);
  s->n += (size_t)k;
}

static void sb_reset(struct sb *s) { s->n = 0; if (s->p) s->p[0] = 0; }

/* Async-signal-safe helpers: used by the cleanup path, which may run in a handler. */
static size_t s_len(const char *s) { size_t n = 0; while (s[n]) n++; return n; }

static int write_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0) { if (errno == EINTR) continue; return -1; }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Writes VALUE to a sysfs/procfs file; 0 or the errno. */
static int write_file(const char *path, const char *value) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  int err = 0;
  ssize_t w = write(fd, value, s_len(value));
  if (w < 0) err = errno;
  close(fd);
  return err;
}

static int read_file(const char *path, char *buf, size_t cap) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -errno;
  ssize_t n = read(fd, buf, cap - 1);
  int e = errno;
  close(fd);
  if (n < 0) return -e;
  buf[n] = 0;
  return (int)n;
}

static const char *errname(int e) {
  const char *n = strerrorname_np(e);
  return n ? n : "EIO";
}

static void sleep_ms(long ms) {
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {}
}

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static uint64_t round_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

/* ---------------------------------------------------------------- knobs (saved, restored) */

struct knob { char path[160]; char saved[48]; int have; };

static struct knob knobs[MAX_KNOBS];
static int nknobs;
static char sizes[MAX_SIZES][16]; /* "8kB" ... "2048kB", ascending */
static int nsizes;

static int size_kb(const char *name) { return atoi(name); }

static int cmp_size(const void *a, const void *b) {
  return size_kb((const char *)a) - size_kb((const char *)b);
}

static void discover_sizes(void) {
  DIR *d = opendir(THP);
  if (!d) die("cannot read " THP ": %s", strerror(errno));
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strncmp(e->d_name, "hugepages-", 10) != 0) continue;
    if (nsizes == MAX_SIZES) break;
    snprintf(sizes[nsizes++], sizeof sizes[0], "%s", e->d_name + 10);
  }
  closedir(d);
  if (!nsizes) die("no per-size knobs under " THP);
  qsort(sizes, (size_t)nsizes, sizeof sizes[0], cmp_size);
}

/* The word in brackets of "always [never]", or the trimmed content. */
static void knob_value(const char *raw, char *out, size_t cap) {
  const char *lb = strchr(raw, '['), *rb = lb ? strchr(lb, ']') : NULL;
  const char *b = raw, *e = raw + strlen(raw);
  if (lb && rb) { b = lb + 1; e = rb; }
  while (e > b && isspace((unsigned char)e[-1])) e--;
  size_t n = (size_t)(e - b) < cap - 1 ? (size_t)(e - b) : cap - 1;
  memcpy(out, b, n);
  out[n] = 0;
}

static void add_knob(const char *rel) {
  struct knob *k = &knobs[nknobs++];
  snprintf(k->path, sizeof k->path, THP "/%s", rel);
  char raw[256];
  if (read_file(k->path, raw, sizeof raw) < 0) die("cannot read %s: %s", k->path, strerror(errno));
  knob_value(raw, k->saved, sizeof k->saved);
  k->have = 1;
}

static const char *KHUGEPAGED_KNOBS[] = {
  "defrag", "max_ptes_none", "max_ptes_swap", "max_ptes_shared", "pages_to_scan",
  "scan_sleep_millisecs", "alloc_sleep_millisecs",
};
#define N_KH_KNOBS 7

/* Order: [0] global shmem_enabled, [1..nsizes] per-size, then enabled, defrag, khugepaged. */
static void save_knobs(void) {
  char rel[96];
  add_knob("shmem_enabled");
  for (int i = 0; i < nsizes; i++) {
    snprintf(rel, sizeof rel, "hugepages-%.15s/shmem_enabled", sizes[i]);
    add_knob(rel);
  }
  add_knob("enabled");
  add_knob("defrag");
  for (int i = 0; i < N_KH_KNOBS; i++) {
    snprintf(rel, sizeof rel, "khugepaged/%s", KHUGEPAGED_KNOBS[i]);
    add_knob(rel);
  }
}

/* Async-signal-safe. Global never first: force/deny constrain the per-size files. */
static int restore_knobs(void) {
  int bad = 0;
  if (!nknobs) return 0;
  write_file(knobs[0].path, "never");
  for (int i = 1; i < nknobs; i++)
    if (knobs[i].have && write_file(knobs[i].path, knobs[i].saved)) bad++;
  if (write_file(knobs[0].path, knobs[0].saved)) bad++;
  return bad;
}

/* The script's starting point (product.md §1) plus issue 5's baseline. */
static void set_baseline(void) {
  char p[160];
  const char *fail = NULL;
  if (write_file(THP "/shmem_enabled", "never")) fail = "shmem_enabled";
  for (int i = 0; i < nsizes; i++) {
    snprintf(p, sizeof p, THP "/hugepages-%.15s/shmem_enabled", sizes[i]);
    if (write_file(p, strcmp(sizes[i], "2048kB") == 0 ? "inherit" : "never")) fail = p;
  }
  if (write_file(THP "/enabled", "madvise")) fail = "enabled";
  if (write_file(THP "/defrag", "madvise")) fail = "defrag";
  static const char *kh[][2] = {
    { "defrag", "1" }, { "max_ptes_none", "511" }, { "max_ptes_swap", "64" },
    { "max_ptes_shared", "256" }, { "pages_to_scan", "4096" },
    { "scan_sleep_millisecs", SLEEP_HIGH }, { "alloc_sleep_millisecs", SLEEP_HIGH },
  };
  for (size_t i = 0; i < sizeof kh / sizeof kh[0]; i++) {
    snprintf(p, sizeof p, THP "/khugepaged/%s", kh[i][0]);
    if (write_file(p, kh[i][1])) fail = kh[i][0];
  }
  if (fail) die("cannot set baseline knob %s", fail);
}

/* ---------------------------------------------------------------- kernel-side state */

enum kind { K_TMPFS, K_MEMFD, K_ANON, K_SYSV };

struct mnt { enum kind kind; char dir[128]; volatile int mounted; };
struct file { int fd; int mnt; char name[256]; int linked; };
struct mapping { char *addr; uint64_t len; uint64_t off; uint64_t deflen; int file; int sysv; };
struct pin { int fd; int file; uint64_t pgoff; };

static char tmpdir[64];
static struct mnt mnts[MAX_MOUNTS];
static volatile int nmnts;
static struct file *files;
static int nfiles, capfiles;
static struct pin *pins;
static int npins, cappins;
static struct mapping map = { NULL, 0, 0, 0, -1, 0 };
static int cur_mnt = -1, cur_file = -1;
static int watch_fd = -1, lock_fd = -1;
static pid_t watch_pid = -1;
static int pagemap_fd = -1, kpageflags_fd = -1;
static int kh_pid = -1;
static volatile sig_atomic_t cleaning;

/* Async-signal-safe: unmounts (lazily) and removes the temp folders, restores the knobs and
 * tells the watchdog it need not. Mappings, fds and pins go with the process. */
static void cleanup(void) {
  if (cleaning) return;
  cleaning = 1;
  for (int i = 0; i < nmnts; i++) {
    if (mnts[i].kind != K_TMPFS) continue;
    if (mnts[i].mounted) umount2(mnts[i].dir, MNT_DETACH);
    rmdir(mnts[i].dir);
  }
  if (tmpdir[0]) rmdir(tmpdir);
  int bad = restore_knobs();
  if (watch_fd >= 0) {
    if (!bad) write_all(watch_fd, "D", 1);
    close(watch_fd);
    /* Reap it: it ends at EOF (restoring again first if the restore above failed). */
    if (watch_pid > 0) while (waitpid(watch_pid, NULL, 0) < 0 && errno == EINTR) {}
  }
}

static void die(const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  for (char *c = msg; *c; c++) if (*c == '\n') *c = ' ';
  dprintf(1, "fatal %s\n", msg);
  cleanup();
  _exit(3);
}

/* Cleans up, then dies of the same signal so that the parent sees what happened. */
static void on_term(int sig) {
  cleanup();
  signal(sig, SIG_DFL);
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, sig);
  sigprocmask(SIG_UNBLOCK, &s, NULL);
  raise(sig);
  _exit(128 + sig);
}

static sigjmp_buf bus_jmp;
static volatile sig_atomic_t bus_armed;

static void on_bus(int sig) {
  if (bus_armed) { bus_armed = 0; siglongjmp(bus_jmp, 1); }
  cleanup();
  signal(sig, SIG_DFL);
  raise(sig);
}

static void install_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_term;
  sigfillset(&sa.sa_mask);
  int term[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGSEGV, SIGABRT };
  for (size_t i = 0; i < sizeof term / sizeof term[0]; i++) sigaction(term[i], &sa, NULL);
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_bus;
  sa.sa_flags = SA_NODEFER;
  sigaction(SIGBUS, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
}

/* ---------------------------------------------------------------- stats */

static const char *COUNTERS[] = {
  "shmem_alloc", "shmem_fallback", "shmem_fallback_charge", "split", "split_failed", "split_deferred",
};
#define N_COUNTERS 6

static int stat_fd[MAX_SIZES][N_COUNTERS];
static uint64_t st_before[MAX_SIZES][N_COUNTERS], st_after[MAX_SIZES][N_COUNTERS];
static uint64_t st_foreign[MAX_SIZES]; /* splits of other processes' anon folios, not reported */
static int st_taken;

static void open_stats(void) {
  char p[160];
  for (int i = 0; i < nsizes; i++)
    for (int c = 0; c < N_COUNTERS; c++) {
      snprintf(p, sizeof p, THP "/hugepages-%s/stats/%s", sizes[i], COUNTERS[c]);
      /* Some sizes lack some counters (8kB has no split_deferred: anon has no order 1). */
      stat_fd[i][c] = open(p, O_RDONLY | O_CLOEXEC);
      if (stat_fd[i][c] < 0 && errno != ENOENT) die("cannot open %s: %s", p, strerror(errno));
    }
}

static void snap(uint64_t out[MAX_SIZES][N_COUNTERS]) {
  char buf[32];
  for (int i = 0; i < nsizes; i++)
    for (int c = 0; c < N_COUNTERS; c++) {
      ssize_t n = stat_fd[i][c] < 0 ? 0 : pread(stat_fd[i][c], buf, sizeof buf - 1, 0);
      buf[n > 0 ? n : 0] = 0;
      out[i][c] = strtoull(buf, NULL, 10);
    }
}

/* Bracket exactly the kernel call(s) of a command. */
static void stats_begin(void) { snap(st_before); st_taken = 1; }
static void stats_end(void) { snap(st_after); st_taken = 2; }

/* ---------------------------------------------------------------- khugepaged */

static uint64_t full_scans(void) {
  char buf[32];
  if (read_file(THP "/khugepaged/full_scans", buf, sizeof buf) < 0) return 0;
  return strtoull(buf, NULL, 10);
}

static void find_khugepaged(void) {
  DIR *d = opendir("/proc");
  struct dirent *e;
  char p[64], comm[64];
  while (d && (e = readdir(d))) {
    if (!isdigit((unsigned char)e->d_name[0])) continue;
    snprintf(p, sizeof p, "/proc/%.20s/comm", e->d_name);
    if (read_file(p, comm, sizeof comm) > 0 && strcmp(comm, "khugepaged\n") == 0) {
      kh_pid = atoi(e->d_name);
      break;
    }
  }
  if (d) closedir(d);
}

/* Sleeping in khugepaged_wait_work(): state S with khugepaged() itself on top of the stack. */
static int khugepaged_sleeping(void) {
  char p[64], buf[1024];
  snprintf(p, sizeof p, "/proc/%d/stat", kh_pid);
  if (read_file(p, buf, sizeof buf) <= 0) return 0;
  char *rp = strrchr(buf, ')');
  if (!rp || rp[1] != ' ' || rp[2] != 'S') return 0;
  snprintf(p, sizeof p, "/proc/%d/stack", kh_pid);
  if (read_file(p, buf, sizeof buf) <= 0) return 1;
  char *nl = strchr(buf, '\n');
  if (nl) *nl = 0;
  return strstr(buf, "] khugepaged+") != NULL;
}

static int wait_khugepaged_asleep(long timeout_ms) {
  if (kh_pid < 0) return 0;
  long end = now_ms() + timeout_ms;
  int streak = 0;
  uint64_t last = full_scans();
  while (now_ms() < end) {
    uint64_t fs = full_scans();
    if (khugepaged_sleeping() && fs == last) streak++; else streak = 0;
    last = fs;
    if (streak >= 10) return 1;
    sleep_ms(5);
  }
  return 0;
}

/* The helper's own mm goes on khugepaged's list first: later eligible mappings do not wake it.
 * Measured on 6.18: MADV_HUGEPAGE alone does not register the mm; the first fault in the
 * advised range does (a PMD-sized anonymous THP, never split or freed before the helper exits,
 * so no split counter moves). Every page of it is written: with max_ptes_none below 511 the
 * deferred-split shrinker splits an anonymous THP whose zero-filled pages number more than
 * max_ptes_none (thp_underused()), so a `reclaim` after `thp khugepaged.max_ptes_none=0` split
 * a one-page-touched THP here and counted 2048kB.split for the script (measured). */
static void register_mm(void) {
  size_t len = 4 * PMD_BYTES;
  char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) die("mmap: %s", strerror(errno));
  char *a = (char *)round_up((uint64_t)(uintptr_t)p, PMD_BYTES);
  if (madvise(a, 2 * PMD_BYTES, MADV_HUGEPAGE)) die("madvise(MADV_HUGEPAGE): %s", strerror(errno));
  memset(a, 1, PMD_BYTES);
}

/* ---------------------------------------------------------------- files, mounts, mapping */

static struct file *cur(void) { return cur_file >= 0 ? &files[cur_file] : NULL; }

static int add_file(int fd, int mnt, const char *name) {
  if (nfiles == capfiles) {
    capfiles = capfiles ? capfiles * 2 : 16;
    files = realloc(files, sizeof *files * (size_t)capfiles);
    if (!files) die("out of memory");
  }
  struct file *f = &files[nfiles];
  f->fd = fd;
  f->mnt = mnt;
  f->linked = 1;
  snprintf(f->name, sizeof f->name, "%s", name);
  return nfiles++;
}

static void drop_mapping(void) {
  if (!map.addr) return;
  if (map.sysv) shmdt(map.addr); else munmap(map.addr, map.len);
  map.addr = NULL;
  map.file = -1;
  map.sysv = 0;
}

/* A PROT_NONE reservation with room for a 2 MiB-aligned start plus MISALIGN; returns the target. */
static char *reserve(uint64_t misalign, uint64_t len, char **rbase, uint64_t *rlen) {
  *rlen = misalign + round_up(len, PAGE) + PMD_BYTES;
  *rbase = mmap(NULL, *rlen, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (*rbase == MAP_FAILED) return NULL;
  return (char *)round_up((uint64_t)(uintptr_t)*rbase, PMD_BYTES) + misalign;
}

/* Unmaps what is left of a reservation around [got, got+len). */
static void trim_reservation(char *rbase, uint64_t rlen, char *got, uint64_t len) {
  char *rend = rbase + rlen, *gend = got + round_up(len, PAGE);
  if (got > rbase) munmap(rbase, (size_t)(got - rbase));
  if (rend > gend) munmap(gend, (size_t)(rend - gend));
}

static int open_map_files(char *addr, uint64_t len) {
  char p[96];
  snprintf(p, sizeof p, "/proc/self/map_files/%lx-%lx", (unsigned long)(uintptr_t)addr,
           (unsigned long)(uintptr_t)(addr + round_up(len, PAGE)));
  return open(p, O_RDWR | O_CLOEXEC);
}

/* ---------------------------------------------------------------- observation */

/*
 * A layout is a function of each 2 MiB-aligned block of the file on its own, given i_size:
 * folios are aligned and at most PMD-sized (MAX_PAGECACHE_ORDER 9), not-uptodate runs are
 * tiled by aligned blocks of at most order 9 (so a run's tiling inside a block does not depend
 * on where the run goes on outside it), and blind pages are pages past EOF that no folio found
 * from a page below EOF covers. So after a command that can only change the blocks a byte
 * range touches (pwrite, pread, fallocate, seek), only those blocks, and those where EOF moved,
 * are observed again and spliced into the file's last layout; the rest is checked by one
 * cachestat of the whole file (the page count must agree). Anything else, any doubt, and any
 * observation that warned, observes the whole file. FOLIOLOG_PROBE_VERIFY=1 observes the
 * whole file after every shortcut too and warns if they differ (the tests set it).
 */

struct folio { uint64_t pgoff; int order; int uptodate; };
struct run { uint64_t start, n; };
struct layout { struct folio *fl; size_t nfl, capfl; struct run *bl; size_t nbl, capbl; };

static struct layout obs;  /* the observation being made */
static struct layout last; /* the last observation of file last_file (-1: none to trust) */
static int last_file = -1;
static uint64_t last_eof;
static struct run *present;
static size_t npresent, cappresent;
static int verify_obs;     /* FOLIOLOG_PROBE_VERIFY=1 */

/* What the command in flight can have changed: a page range (lo == hi: nothing), or all. */
static struct { int all; uint64_t lo, hi; } touched;

static void touched_all(void) { touched.all = 1; }

/* Bytes [pos, pos+len) of the current file; a range that cannot be a file's is "all". */
static void touched_bytes(int64_t pos, int64_t len) {
  if (pos < 0 || len < 0 || pos > INT64_MAX - len) { touched.all = 1; return; }
  touched.all = 0;
  touched.lo = (uint64_t)pos / PAGE;
  touched.hi = len ? round_up((uint64_t)(pos + len), PAGE) / PAGE : touched.lo;
}

static void touched_none(void) { touched.all = 0; touched.lo = touched.hi = 0; }

static void push_folio(struct layout *l, uint64_t pgoff, int order, int up) {
  if (l->nfl == l->capfl) {
    l->capfl = l->capfl ? l->capfl * 2 : 64;
    l->fl = realloc(l->fl, sizeof *l->fl * l->capfl);
    if (!l->fl) die("out of memory");
  }
  l->fl[l->nfl++] = (struct folio){ pgoff, order, up };
}

static void push_run(struct run **v, size_t *n, size_t *cap, uint64_t start, uint64_t len) {
  if (*n && (*v)[*n - 1].start + (*v)[*n - 1].n == start) { (*v)[*n - 1].n += len; return; }
  if (*n == *cap) {
    *cap = *cap ? *cap * 2 : 16;
    *v = realloc(*v, sizeof **v * *cap);
    if (!*v) die("out of memory");
  }
  (*v)[(*n)++] = (struct run){ start, len };
}

static void push_blind(struct layout *l, uint64_t start, uint64_t len) { push_run(&l->bl, &l->nbl, &l->capbl, start, len); }

static int cachestat_count(int fd, uint64_t pg, uint64_t n, uint64_t *out) {
  struct cachestat_range r = { pg * PAGE, n * PAGE };
  struct cachestat_out cs;
  if (syscall(NR_CACHESTAT, fd, &r, &cs, 0) < 0) return errno;
  *out = cs.nr_cache;
  return 0;
}

static uint64_t cached_pages(int fd, uint64_t pg, uint64_t n) {
  uint64_t c = 0;
  int e = cachestat_count(fd, pg, n, &c);
  if (e) die("cachestat: %s", strerror(e));
  return c;
}

/* Presence of any folio (uptodate or not, past EOF too), found by halving ranges. */
static void scan_present(int fd, uint64_t lo, uint64_t n) {
  uint64_t c = cached_pages(fd, lo, n);
  if (c == 0) return;
  if (c == n) { push_run(&present, &npresent, &cappresent, lo, n); return; }
  scan_present(fd, lo, n / 2);
  scan_present(fd, lo + n / 2, n - n / 2);
}

/* Aligned blocks covering not-uptodate pages [s, e) (the kernel cannot show their folios). */
static void tile(struct layout *l, uint64_t s, uint64_t e) {
  while (s < e) {
    int o = MAX_ORDER_PC;
    while (o > 0 && ((s & ((1ULL << o) - 1)) || s + (1ULL << o) > e)) o--;
    push_folio(l, s, o, 0);
    s += 1ULL << o;
  }
}

/* Folio of a mapped page from kpageflags: head, then the count of consecutive tail PFNs. */
static int folio_of_pfn(uint64_t pfn, uint64_t *back, int *order) {
  uint64_t one;
  if (pread(kpageflags_fd, &one, 8, (off_t)(pfn * 8)) != 8) return -1;
  if (!(one >> KPF_COMPOUND_HEAD & 1) && !(one >> KPF_COMPOUND_TAIL & 1)) { /* order 0: the common case */
    *order = 0;
    *back = 0;
    return 0;
  }
  if (one >> KPF_COMPOUND_HEAD & 1) {
    /* The page a touch finds first is nearly always the head: a folio's pages are contiguous
     * PFNs, so its order is the first k for which pfn + 2^k is no tail, ten reads at most
     * where reading the whole folio's flags would cost one per page. */
    int k = 0;
    while (k <= MAX_ORDER_PC) {
      uint64_t t;
      if (pread(kpageflags_fd, &t, 8, (off_t)((pfn + (1ULL << k)) * 8)) != 8) break;
      if (!(t >> KPF_COMPOUND_TAIL & 1)) {
        *order = k;
        *back = 0;
        return 0;
      }
      k++;
    }
  }
  uint64_t span = (1ULL << MAX_ORDER_PC) - 1;
  uint64_t lo = pfn > span ? pfn - span : 0, cnt = pfn - lo + span + 1;
  static uint64_t f[2 << MAX_ORDER_PC];
  ssize_t got = pread(kpageflags_fd, f, cnt * 8, (off_t)(lo * 8));
  if (got < (ssize_t)((pfn - lo + 1) * 8)) return -1;
  cnt = (uint64_t)got / 8;
  uint64_t idx = pfn - lo, h = idx;
  while (h > 0 && (f[h] >> KPF_COMPOUND_TAIL & 1)) h--;
  if (f[h] >> KPF_COMPOUND_TAIL & 1) return -1;
  uint64_t n = 1;
  if (f[h] >> KPF_COMPOUND_HEAD & 1)
    while (h + n < cnt && (f[h + n] >> KPF_COMPOUND_TAIL & 1)) n++;
  else if (h != idx) return -1;
  if (n & (n - 1)) return -1;
  *order = __builtin_ctzll(n);
  *back = idx - h;
  return 0;
}

struct obs_state { uint64_t covered, eof, nu_start, nu_end, warned; };

/* A fresh shared mapping of pages [a, a+n) of the file and its mincore vector. */
struct span { int fd; uint64_t a, n; char *w; unsigned char *vec; uint64_t *pm; uint64_t pm_lo, pm_hi; };

#define PM_BATCH 256 /* pagemap entries read at once: pages fault-around mapped come for free */

static void span_map(struct span *s, int fd, uint64_t a, uint64_t n) {
  static unsigned char *vec;
  static uint64_t *pm;
  static size_t cap;
  if (n > cap) {
    cap = n;
    vec = realloc(vec, cap);
    pm = realloc(pm, cap * sizeof *pm);
    if (!vec || !pm) die("out of memory");
  }
  size_t len = (size_t)(n * PAGE);
  char *w = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, (off_t)(a * PAGE));
  if (w == MAP_FAILED) die("observer mmap at page %" PRIu64 ": %s", a, strerror(errno));
  if (madvise(w, len, MADV_NOHUGEPAGE)) die("madvise(MADV_NOHUGEPAGE): %s", strerror(errno));
  if (mincore(w, len, vec)) die("mincore: %s", strerror(errno));
  *s = (struct span){ fd, a, n, w, vec, pm, 0, 0 };
}

static void span_unmap(struct span *s) { munmap(s->w, (size_t)(s->n * PAGE)); }

/* The pagemap entry of page a+i once it is mapped: a page that fault-around already mapped
 * (read with an earlier batch) needs no touch; any other is read-touched first. 0 if it
 * raised SIGBUS or cannot be read. */
static uint64_t span_pagemap(struct span *s, uint64_t i) {
  if (i >= s->pm_lo && i < s->pm_hi && (s->pm[i] >> 63 & 1)) return s->pm[i];
  volatile char *addr = (volatile char *)(s->w + i * PAGE);
  if (sigsetjmp(bus_jmp, 1) == 0) {
    bus_armed = 1;
    (void)*addr;
    bus_armed = 0;
  } else {
    bus_armed = 0;
    return 0;
  }
  uint64_t k = s->n - i < PM_BATCH ? s->n - i : PM_BATCH;
  ssize_t got = pread(pagemap_fd, s->pm + i, k * 8, (off_t)(((uintptr_t)addr / PAGE) * 8));
  if (got < 8) { s->pm_lo = s->pm_hi = 0; return 0; }
  s->pm_lo = i;
  s->pm_hi = i + (uint64_t)got / 8;
  return s->pm[i];
}

/* Present pages [p, e) of a span, in order: mincore says which are uptodate; one page of each
 * uptodate folio below EOF is touched to find the folio with pagemap + kpageflags. */
static void observe_pages(struct layout *l, struct span *s, uint64_t p, uint64_t e, struct obs_state *st, struct sb *warn) {
  for (; p < e; p++) {
    uint64_t i = p - s->a;
    int up = s->vec[i] & 1;
    if (p < st->covered) {
      if (!up && !st->warned++) sb_printf(warn, "page %" PRIu64 " of an uptodate folio reads as not uptodate;", p);
      continue;
    }
    if (!up) {
      if (st->nu_end != p) { tile(l, st->nu_start, st->nu_end); st->nu_start = p; }
      st->nu_end = p + 1;
      continue;
    }
    if (p >= st->eof) { push_blind(l, p, 1); continue; }
    uint64_t pe = span_pagemap(s, i);
    uint64_t back;
    int order;
    if (!(pe >> 63 & 1) || folio_of_pfn(pe & ((1ULL << 55) - 1), &back, &order) || back > p ||
        ((p - back) & ((1ULL << order) - 1))) {
      if (!st->warned++) sb_printf(warn, "no folio found for uptodate page %" PRIu64 ";", p);
      push_folio(l, p, 0, 1);
      st->covered = p + 1;
      continue;
    }
    push_folio(l, p - back, order, 1);
    st->covered = p - back + (1ULL << order);
  }
}

static int cmp_folio(const void *a, const void *b) {
  uint64_t x = ((const struct folio *)a)->pgoff, y = ((const struct folio *)b)->pgoff;
  return x < y ? -1 : x > y;
}

/* The whole file: present runs by cachestat, observed a window at a time (nearby runs share
 * one mapping). Returns the number of warnings. */
static uint64_t observe_all(struct layout *l, int fd, uint64_t eof, struct sb *warn) {
  l->nfl = l->nbl = 0;
  npresent = 0;
  scan_present(fd, 0, 1ULL << 51);
  struct obs_state os = { 0, eof, 0, 0, 0 };
  size_t r = 0;
  uint64_t pos = npresent ? present[0].start : 0;
  while (r < npresent) {
    uint64_t a = pos > present[r].start ? pos : present[r].start;
    uint64_t cap = a + OBS_WINDOW, b = a;
    size_t k = r;
    /* Runs up to a window's end, joined while the hole between them is small. */
    while (k < npresent && present[k].start < cap && (k == r || present[k].start - b <= (1ULL << MAX_ORDER_PC))) {
      uint64_t end = present[k].start + present[k].n;
      b = end < cap ? end : cap;
      k++;
    }
    struct span s;
    span_map(&s, fd, a, b - a);
    for (size_t j = r; j < k; j++) {
      uint64_t lo = present[j].start > a ? present[j].start : a, hi = present[j].start + present[j].n;
      observe_pages(l, &s, lo, hi < b ? hi : b, &os, warn);
    }
    span_unmap(&s);
    pos = b;
    r = k;
    if (r > 0 && present[r - 1].start + present[r - 1].n > pos) r--; /* a run cut at the window's end */
  }
  tile(l, os.nu_start, os.nu_end);
  qsort(l->fl, l->nfl, sizeof *l->fl, cmp_folio);
  return os.warned;
}

/* Blocks [a, b) (2 MiB-aligned): presence is mincore's uptodate pages when cachestat counts no
 * more; otherwise the not-uptodate stretches are searched with cachestat too. */
static uint64_t observe_blocks(struct layout *l, int fd, uint64_t a, uint64_t b, uint64_t eof, struct sb *warn) {
  struct span s;
  span_map(&s, fd, a, b - a);
  uint64_t cached = cached_pages(fd, a, b - a), up = 0;
  for (uint64_t i = 0; i < s.n; i++) up += s.vec[i] & 1;
  npresent = 0;
  for (uint64_t i = 0; i < s.n;) {
    uint64_t j = i;
    int u = s.vec[i] & 1;
    while (j < s.n && (s.vec[j] & 1) == u) j++;
    if (u) push_run(&present, &npresent, &cappresent, a + i, j - i);
    else if (cached != up) scan_present(fd, a + i, j - i);
    i = j;
  }
  struct obs_state os = { 0, eof, 0, 0, 0 };
  for (size_t r = 0; r < npresent; r++) observe_pages(l, &s, present[r].start, present[r].start + present[r].n, &os, warn);
  span_unmap(&s);
  tile(l, os.nu_start, os.nu_end);
  return os.warned;
}

static uint64_t layout_pages(const struct layout *l) {
  uint64_t n = 0;
  for (size_t i = 0; i < l->nfl; i++) n += 1ULL << l->fl[i].order;
  for (size_t i = 0; i < l->nbl; i++) n += l->bl[i].n;
  return n;
}

/* Copies `from`'s folios and blind pages inside [lo, hi) to the end of `to`. */
static void copy_between(struct layout *to, const struct layout *from, size_t *fi, size_t *bi, uint64_t lo, uint64_t hi) {
  while (*fi < from->nfl && from->fl[*fi].pgoff < hi) {
    const struct folio *f = &from->fl[(*fi)++];
    if (f->pgoff >= lo) push_folio(to, f->pgoff, f->order, f->uptodate);
  }
  for (; *bi < from->nbl; (*bi)++) {
    uint64_t s = from->bl[*bi].start, e = s + from->bl[*bi].n;
    if (s >= hi) break;
    if (s < lo) s = lo;
    if (e > hi) e = hi;
    if (s < e) push_blind(to, s, e - s);
    if (from->bl[*bi].start + from->bl[*bi].n > hi) break; /* continues past hi */
  }
}

/* The blocks to observe again: those the command's pages touch and those EOF crossed, merged.
 * Returns how many ranges (at most 2), or -1 when the whole file is the better choice. */
static int changed_blocks(uint64_t eof, uint64_t lo[2], uint64_t hi[2]) {
  uint64_t r[2][2];
  int n = 0;
  if (touched.hi > touched.lo) { r[n][0] = touched.lo; r[n][1] = touched.hi; n++; }
  if (eof != last_eof) { r[n][0] = eof < last_eof ? eof : last_eof; r[n][1] = eof < last_eof ? last_eof : eof; n++; }
  uint64_t total = 0;
  for (int i = 0; i < n; i++) {
    r[i][0] = r[i][0] / PMD_PAGES * PMD_PAGES;
    r[i][1] = round_up(r[i][1], PMD_PAGES);
    total += r[i][1] - r[i][0];
  }
  if (total > OBS_WINDOW) return -1;
  if (n == 2 && r[1][0] < r[0][0]) {
    uint64_t t0 = r[0][0], t1 = r[0][1];
    r[0][0] = r[1][0]; r[0][1] = r[1][1]; r[1][0] = t0; r[1][1] = t1;
  }
  if (n == 2 && r[1][0] <= r[0][1]) { if (r[1][1] > r[0][1]) r[0][1] = r[1][1]; n = 1; }
  for (int i = 0; i < n; i++) { lo[i] = r[i][0]; hi[i] = r[i][1]; }
  return n;
}

/* The layout after a command that changed at most `touched`: the changed blocks observed
 * again, the rest kept from `last`. 0 when it could not be trusted (the caller observes all). */
static int observe_changed(struct layout *l, int fd, uint64_t eof) {
  uint64_t lo[2], hi[2];
  int n = changed_blocks(eof, lo, hi);
  if (n < 0) return 0;
  static struct layout fresh;
  static struct sb quiet;
  l->nfl = l->nbl = 0;
  size_t fi = 0, bi = 0;
  uint64_t at = 0;
  for (int k = 0; k < n; k++) {
    copy_between(l, &last, &fi, &bi, at, lo[k]);
    fresh.nfl = fresh.nbl = 0;
    sb_reset(&quiet);
    /* An observation that warns is made again in full, so that its warnings are the same. */
    if (observe_blocks(&fresh, fd, lo[k], hi[k], eof, &quiet)) return 0;
    qsort(fresh.fl, fresh.nfl, sizeof *fresh.fl, cmp_folio);
    copy_between(l, &fresh, &(size_t){ 0 }, &(size_t){ 0 }, lo[k], hi[k]);
    while (fi < last.nfl && last.fl[fi].pgoff < hi[k]) fi++;
    while (bi < last.nbl && last.bl[bi].start + last.bl[bi].n <= hi[k]) bi++;
    at = hi[k];
  }
  copy_between(l, &last, &fi, &bi, at, UINT64_MAX);
  return layout_pages(l) == cached_pages(fd, 0, 1ULL << 51);
}

static int same_layout(const struct layout *x, const struct layout *y) {
  return x->nfl == y->nfl && x->nbl == y->nbl && !memcmp(x->fl, y->fl, x->nfl * sizeof *x->fl) &&
         !memcmp(x->bl, y->bl, x->nbl * sizeof *x->bl);
}

static void sb_u64(struct sb *s, uint64_t v) {
  char b[24];
  int k = sizeof b;
  do { b[--k] = (char)('0' + v % 10); v /= 10; } while (v);
  sb_grow(s, sizeof b - (size_t)k);
  memcpy(s->p + s->n, b + k, sizeof b - (size_t)k);
  s->n += sizeof b - (size_t)k;
  s->p[s->n] = 0;
}

/* Appends " size= blocks= folios= [blind=]" for the current file. */
static void observe(struct sb *out, struct sb *warn) {
  struct file *f = cur();
  int64_t size = 0, blocks = 0;
  obs.nfl = obs.nbl = 0;
  if (f) {
    struct stat st;
    if (fstat(f->fd, &st)) die("fstat: %s", strerror(errno));
    size = st.st_size;
    blocks = st.st_blocks;
    uint64_t eof = round_up((uint64_t)size, PAGE) / PAGE;
    int quick = !touched.all && last_file == cur_file && observe_changed(&obs, f->fd, eof);
    uint64_t warned = 0;
    if (quick && verify_obs) {
      static struct layout check;
      warned = observe_all(&check, f->fd, eof, warn);
      if (!same_layout(&obs, &check)) sb_printf(warn, "the observation of the changed blocks differs from the whole file's;");
      struct layout t = obs; obs = check; check = t;
    } else if (!quick) {
      warned = observe_all(&obs, f->fd, eof, warn);
    }
    struct layout t = last; last = obs; obs = t;
    last_file = warned ? -1 : cur_file;
    last_eof = eof;
  } else {
    struct layout t = last; last = obs; obs = t;
    last_file = -1;
  }
  /* `last` now holds this observation. */
  sb_printf(out, " size=%" PRId64 " blocks=%" PRId64 " folios=", size, blocks);
  for (size_t i = 0; i < last.nfl; i++) {
    if (i) sb_printf(out, ",");
    sb_u64(out, last.fl[i].pgoff);
    sb_printf(out, ":%d:%d", last.fl[i].order, last.fl[i].uptodate);
  }
  if (last.nbl) {
    sb_printf(out, " blind=");
    for (size_t i = 0; i < last.nbl; i++) {
      if (i) sb_printf(out, ",");
      sb_u64(out, last.bl[i].start);
      sb_printf(out, ":");
      sb_u64(out, last.bl[i].n);
    }
  }
}

/* ---------------------------------------------------------------- commands */

/* A command's outcome: err 0 (ret valid), an errno, or ERR_SIGBUS. */
#define ERR_SIGBUS (-1)
struct res { int err; int64_t ret; int unsupported; struct sb data; };

static int parse_i64(const char *s, int64_t *v) {
  if (!s) return -1;
  char *e;
  errno = 0;
  long long x = strtoll(s, &e, 10);
  if (errno || e == s || *e) return -1;
  *v = x;
  return 0;
}

#define NEED_FILE(r) do { if (!cur()) { (r)->err = EBADF; return; } } while (0)
#define SYS(r, call) do { stats_begin(); long _x = (long)(call); int _e = errno; stats_end(); \
  if (_x < 0) (r)->err = _e; else (r)->ret = _x; } while (0)

static void bad_request(const char *what) { die("bad request: %s", what); }

static int64_t arg(char **av, int i, int ac) {
  int64_t v;
  if (i >= ac || parse_i64(av[i], &v)) bad_request(i < ac ? av[i] : "missing argument");
  return v;
}

static void cmd_mount(struct res *r, char **av, int ac) {
  drop_mapping();
  cur_mnt = cur_file = -1;
  if (ac < 2) bad_request("mount");
  if (nmnts == MAX_MOUNTS) die("too many mounts");
  struct mnt *m = &mnts[nmnts];
  m->mounted = 0;
  m->dir[0] = 0;
  if (strcmp(av[1], "tmpfs") == 0) {
    if (ac != 4) bad_request("mount tmpfs");
    if (strcmp(av[2], "-") && av[2][0] != '=') bad_request("mount tmpfs =HUGE");
    const char *huge = av[2][0] == '=' ? av[2] + 1 : "never";
    if (strchr(huge, ',')) { r->err = EINVAL; return; } /* no option smuggling */
    char opts[128];
    snprintf(opts, sizeof opts, "huge=%s,size=%s", huge, strcmp(av[3], "-") ? av[3] : "0");
    if (strcmp(av[3], "-")) (void)arg(av, 3, ac);
    snprintf(m->dir, sizeof m->dir, "%.64s/m%d", tmpdir, nmnts);
    if (mkdir(m->dir, 0700)) die("mkdir %s: %s", m->dir, strerror(errno));
    m->kind = K_TMPFS;
    int idx = nmnts++;
    SYS(r, mount("foliolog", m->dir, "tmpfs", 0, opts));
    if (r->err) { rmdir(m->dir); return; }
    m->mounted = 1;
    char path[PATH_MAX + 8];
    snprintf(path, sizeof path, "%s/f", m->dir);
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) die("create %s: %s", path, strerror(errno));
    cur_mnt = idx;
    cur_file = add_file(fd, idx, "f");
  } else if (strcmp(av[1], "memfd") == 0) {
    m->kind = K_MEMFD;
    int idx = nmnts++;
    SYS(r, syscall(NR_MEMFD_CREATE, "f", MFD_CLOEXEC));
    if (r->err) return;
    cur_mnt = idx;
    cur_file = add_file((int)r->ret, idx, "f");
    r->ret = 0;
  } else if (strcmp(av[1], "anon") == 0 || strcmp(av[1], "sysv") == 0) {
    int sysv = av[1][0] == 's';
    uint64_t size = (uint64_t)arg(av, 2, ac);
    m->kind = sysv ? K_SYSV : K_ANON;
    int idx = nmnts++;
    char *rbase, *got = NULL;
    uint64_t rlen;
    char *target = reserve(0, size, &rbase, &rlen);
    if (!target) { r->err = errno; return; }
    stats_begin();
    if (sysv) {
      int id = shmget(IPC_PRIVATE, (size_t)size, IPC_CREAT | 0600);
      if (id < 0) r->err = errno;
      else {
        got = shmat(id, target, SHM_REMAP);
        if (got == (char *)-1) { r->err = errno; got = NULL; }
        shmctl(id, IPC_RMID, NULL); /* gone with the last detach, even after SIGKILL */
      }
    } else {
      got = mmap(target, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
      if (got == MAP_FAILED) { r->err = errno; got = NULL; }
    }
    stats_end();
    if (!got) { munmap(rbase, rlen); return; }
    trim_reservation(rbase, rlen, got, size);
    int fd = open_map_files(got, size);
    if (fd < 0) die("open map_files: %s", strerror(errno));
    cur_mnt = idx;
    cur_file = add_file(fd, idx, "f");
    map = (struct mapping){ got, round_up(size, PAGE), 0, size, cur_file, sysv };
  } else {
    bad_request("mount kind");
  }
}

static void cmd_remount(struct res *r, char **av, int ac) {
  if (ac != 2 || av[1][0] != '=') bad_request("remount =HUGE");
  if (cur_mnt < 0 || mnts[cur_mnt].kind != K_TMPFS || strchr(av[1], ',')) { r->err = EINVAL; return; }
  char opts[96];
  snprintf(opts, sizeof opts, "huge=%.80s", av[1] + 1);
  SYS(r, mount(NULL, mnts[cur_mnt].dir, NULL, MS_REMOUNT, opts));
}

static int valid_uint(const char *v) {
  if (!*v || strlen(v) > 10) return 0;
  for (const char *c = v; *c; c++) if (!isdigit((unsigned char)*c)) return 0;
  return strtoull(v, NULL, 10) <= UINT_MAX;
}

/* Maps a script knob name to its sysfs file; 1 for the sleeps (accepted, not written). */
static int knob_path(const char *key, char *path, size_t cap) {
  if (strcmp(key, "shmem_enabled") == 0) { snprintf(path, cap, THP "/shmem_enabled"); return 0; }
  if (strncmp(key, "hugepages-", 10) == 0) {
    for (int i = 0; i < nsizes; i++)
      if (strcmp(key + 10, sizes[i]) == 0) { snprintf(path, cap, THP "/%s/shmem_enabled", key); return 0; }
    return -1;
  }
  if (strncmp(key, "khugepaged.", 11) == 0) {
    const char *k = key + 11;
    if (!strcmp(k, "scan_sleep_millisecs") || !strcmp(k, "alloc_sleep_millisecs")) return 1;
    for (int i = 0; i < N_KH_KNOBS; i++)
      if (strcmp(k, KHUGEPAGED_KNOBS[i]) == 0) { snprintf(path, cap, THP "/khugepaged/%s", k); return 0; }
  }
  return -1;
}

static void cmd_thp(struct res *r, char **av, int ac) {
  stats_begin();
  for (int i = 1; i < ac && !r->err; i++) {
    char *eq = strchr(av[i], '=');
    if (!eq) bad_request("thp KEY=VALUE");
    *eq = 0;
    char path[160];
    int k = knob_path(av[i], path, sizeof path);
    if (k < 0) r->err = ENOENT;
    else if (k == 1) { if (!valid_uint(eq + 1)) r->err = EINVAL; }
    else r->err = write_file(path, eq + 1);
  }
  stats_end();
}

static int hexval(char c) { return isdigit((unsigned char)c) ? c - '0' : (c | 32) - 'a' + 10; }

static int valid_name(const char *name, size_t n) {
  if (n == 0 || strlen(name) != n || !strcmp(name, ".") || !strcmp(name, "..")) return 0;
  for (size_t i = 0; i < n; i++)
    if (!isalnum((unsigned char)name[i]) && name[i] != '.' && name[i] != '_' && name[i] != '-') return 0;
  return 1;
}

static void cmd_open(struct res *r, char **av, int ac) {
  if (ac != 2 || strlen(av[1]) % 2 || strlen(av[1]) / 2 >= 256) bad_request("open HEXNAME");
  char name[256];
  size_t n = strlen(av[1]) / 2;
  for (size_t i = 0; i < n; i++) name[i] = (char)(hexval(av[1][2 * i]) << 4 | hexval(av[1][2 * i + 1]));
  name[n] = 0;
  /* The script language allows one path component of letters, digits, '.', '_', '-' (not
   * "." or ".."); the driver sends nothing else, and a name that could leave the private
   * folder is refused here too, before any syscall sees it. */
  if (!valid_name(name, n)) bad_request("open NAME: not one path component");
  if (cur_mnt < 0) { r->err = EBADF; return; }
  struct mnt *m = &mnts[cur_mnt];
  /* Divergence: anon/SysV regions have no directory to create files in. */
  if (m->kind == K_ANON || m->kind == K_SYSV) { r->err = EINVAL; return; }
  drop_mapping();
  /* A name the script already made on this mount switches back to that file (product.md §1):
   * a tmpfs path while it is linked, or on a memfd mount the memfd made under that name (the
   * name is the script's handle: memfds have no directory, and cmd_unlink refuses them, so
   * they keep it). Only a new name creates. */
  for (int i = 0; i < nfiles; i++)
    if (files[i].mnt == cur_mnt && files[i].linked && strcmp(files[i].name, name) == 0) {
      cur_file = i;
      stats_begin();
      stats_end();
      return;
    }
  if (m->kind == K_MEMFD) {
    SYS(r, syscall(NR_MEMFD_CREATE, name, MFD_CLOEXEC));
  } else {
    char path[PATH_MAX + 260];
    snprintf(path, sizeof path, "%s/%s", m->dir, name);
    SYS(r, open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  }
  if (r->err) return;
  cur_file = add_file((int)r->ret, cur_mnt, name);
  r->ret = 0;
}

static void cmd_unlink(struct res *r) {
  NEED_FILE(r);
  struct file *f = cur();
  struct mnt *m = &mnts[f->mnt];
  if (m->kind != K_TMPFS || !f->linked) { r->err = ENOENT; return; } /* no directory entry */
  char path[PATH_MAX + 260];
  snprintf(path, sizeof path, "%s/%s", m->dir, f->name);
  SYS(r, unlink(path));
  if (!r->err) f->linked = 0;
}

static int overflows(int64_t pos, int64_t len) { return pos > INT64_MAX - len; }

/* One pwrite(2), issued in pieces cut at 16 MiB file offsets: each piece's 2 MiB copy
 * chunks (and so write_end) are those of the single call. Returns the bytes written, or -1
 * with errno set when the call fails before writing any. */
static int64_t one_pwrite(int fd, const char *buf, int64_t pos, int64_t len) {
  if (overflows(pos, len) || len == 0) return pwrite(fd, buf, (size_t)len, pos);
  int64_t done = 0;
  while (done < len) {
    uint64_t at = (uint64_t)(pos + done), n = IO_PIECE - at % IO_PIECE;
    if (n > (uint64_t)(len - done)) n = (uint64_t)(len - done);
    ssize_t w = pwrite(fd, buf, n, (off_t)at);
    if (w < 0) return done ? done : -1;
    done += w;
    if ((uint64_t)w < n) break;
  }
  return done;
}

/* xfs_io's -b BSIZE ("-" for one call): calls of BSIZE bytes, stopping at a short or empty one;
 * a failed call makes the line fail with its errno (xfs_io prints the error, not the bytes),
 * the bytes of earlier calls staying written. */
static int64_t block_size(char **av, int i, int ac, int64_t len) {
  if (i >= ac) bad_request("missing BSIZE");
  if (strcmp(av[i], "-") == 0) return len;
  int64_t b = arg(av, i, ac);
  if (b <= 0) bad_request("BSIZE");
  return b;
}

static void cmd_pwrite(struct res *r, char **av, int ac) {
  int byte = (int)arg(av, 1, ac);
  int64_t pos = arg(av, 2, ac), len = arg(av, 3, ac), bs = block_size(av, 4, ac, len);
  touched_bytes(pos, len);
  NEED_FILE(r);
  static char *buf;
  static int buf_byte = -1;
  if (!buf && !(buf = malloc(IO_PIECE))) die("out of memory");
  if (buf_byte != byte) { memset(buf, byte, IO_PIECE); buf_byte = byte; }
  int64_t done = 0;
  stats_begin();
  for (;;) {
    int64_t want = len - done < bs ? len - done : bs;
    int64_t w = one_pwrite(cur()->fd, buf, pos + done, want);
    if (w < 0) { r->err = errno; break; }
    done += w;
    if (w == 0 || w < want || done == len) break;
  }
  stats_end();
  r->ret = done;
}

static void rle(struct sb *d, const unsigned char *p, size_t n, int64_t base, int64_t *rs, int *rb) {
  for (size_t i = 0; i < n; i++) {
    if (p[i] == *rb) continue;
    if (*rb >= 0) sb_printf(d, "%s%" PRId64 ":%" PRId64 ":%d", d->n ? "," : "", *rs, base + (int64_t)i - *rs, *rb);
    *rs = base + (int64_t)i;
    *rb = p[i];
  }
}

/* One pread(2) in 16 MiB pieces, appending runs to r->data relative to `base`. Returns the
 * bytes read, or -1 with errno set when the call fails before reading any. */
static int64_t one_pread(struct res *r, int64_t pos, int64_t len, int64_t base, int64_t *rs, int *rb) {
  static unsigned char *buf;
  if (!buf && !(buf = malloc(IO_PIECE))) die("out of memory");
  if (overflows(pos, len) || len == 0) return pread(cur()->fd, buf, (size_t)len, pos);
  int64_t done = 0;
  while (done < len) {
    uint64_t at = (uint64_t)(pos + done), n = IO_PIECE - at % IO_PIECE;
    if (n > (uint64_t)(len - done)) n = (uint64_t)(len - done);
    ssize_t g = pread(cur()->fd, buf, n, (off_t)at);
    if (g < 0) return done ? done : -1;
    rle(&r->data, buf, (size_t)g, base + done, rs, rb);
    done += g;
    if ((uint64_t)g < n) break;
  }
  return done;
}

/* pread with xfs_io's -b BSIZE as pwrite has it, except that xfs_io makes no call for LEN 0. */
static void cmd_pread(struct res *r, char **av, int ac) {
  int64_t pos = arg(av, 1, ac), len = arg(av, 2, ac), bs = block_size(av, 3, ac, len);
  int one = strcmp(av[3], "-") == 0;
  touched_bytes(pos, len);
  NEED_FILE(r);
  sb_reset(&r->data);
  int64_t done = 0, rs = 0;
  int rb = -1;
  stats_begin();
  while (one || done < len) {
    int64_t want = len - done < bs ? len - done : bs;
    int64_t g = one_pread(r, pos + done, want, done, &rs, &rb);
    if (g < 0) { r->err = errno; break; }
    done += g;
    if (one || g == 0 || g < want) break;
  }
  stats_end();
  if (rb >= 0) sb_printf(&r->data, "%s%" PRId64 ":%" PRId64 ":%d", r->data.n ? "," : "", rs, done - rs, rb);
  r->ret = done;
}

static void cmd_fallocate(struct res *r, int mode, int64_t pos, int64_t len) {
  touched_bytes(pos, len);
  NEED_FILE(r);
  SYS(r, fallocate(cur()->fd, mode, pos, len));
}

static void cmd_seek(struct res *r, char **av, int ac) {
  if (ac != 3) bad_request("seek");
  int whence = av[1][0] == 'd' ? SEEK_DATA : SEEK_HOLE;
  int64_t off = arg(av, 2, ac);
  touched_none(); /* lseek changes no page cache */
  NEED_FILE(r);
  SYS(r, lseek(cur()->fd, off, whence));
}

static void cmd_mmap(struct res *r, char **av, int ac) {
  if (ac != 4) bad_request("mmap");
  int64_t misalign = arg(av, 1, ac), off = 0, len;
  NEED_FILE(r);
  drop_mapping();
  if (strcmp(av[2], "-")) { off = arg(av, 2, ac); len = arg(av, 3, ac); }
  else {
    struct stat st;
    if (fstat(cur()->fd, &st)) die("fstat: %s", strerror(errno));
    len = st.st_size;
  }
  if (len <= 0 || misalign < 0) { r->err = EINVAL; return; }
  char *rbase;
  uint64_t rlen;
  char *target = reserve((uint64_t)misalign, (uint64_t)len, &rbase, &rlen);
  if (!target) { r->err = errno; return; }
  stats_begin();
  char *got = mmap(target, (size_t)len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, cur()->fd, off);
  int e = errno;
  stats_end();
  if (got == MAP_FAILED) { r->err = e; munmap(rbase, rlen); return; }
  trim_reservation(rbase, rlen, got, (uint64_t)len);
  map = (struct mapping){ got, round_up((uint64_t)len, PAGE), (uint64_t)off, (uint64_t)len, cur_file, 0 };
}

/* Resolves [OFF LEN] (or "- -": the whole mapping) to file offsets inside the mapping. */
static int map_range(char **av, int ac, int i, uint64_t *pos, uint64_t *len) {
  if (ac != i + 2) bad_request("range");
  if (!map.addr) return EINVAL;
  if (strcmp(av[i], "-") == 0) { *pos = map.off; *len = map.deflen; return 0; }
  int64_t p = arg(av, i, ac), l = arg(av, i + 1, ac);
  if (p < 0 || l < 0 || (uint64_t)p < map.off || overflows(p, l) || (uint64_t)(p + l) > map.off + map.len)
    return EINVAL;
  *pos = (uint64_t)p;
  *len = (uint64_t)l;
  return 0;
}

static char *map_addr(uint64_t pos) { return map.addr + (pos - map.off); }

/* Touches every page of the range through the mapping: one byte (read) or every byte (write). */
static void touch(struct res *r, uint64_t pos, uint64_t len, int write, int byte) {
  volatile uint64_t at = pos;
  uint64_t end = pos + len;
  stats_begin();
  if (sigsetjmp(bus_jmp, 1) == 0) {
    bus_armed = 1;
    while (at < end) {
      uint64_t next = (at / PAGE + 1) * PAGE;
      if (next > end) next = end;
      if (write) memset(map_addr(at), byte, (size_t)(next - at));
      else (void)*(volatile char *)map_addr(at);
      at = next;
    }
  } else {
    r->err = ERR_SIGBUS;
  }
  bus_armed = 0;
  stats_end();
}

static void cmd_mtouch(struct res *r, char **av, int ac, int write) {
  int byte = write ? (int)arg(av, 1, ac) : 0;
  uint64_t pos, len;
  if ((r->err = map_range(av, ac, write ? 2 : 1, &pos, &len))) return;
  touch(r, pos, len, write, byte);
}

static void cmd_madvise(struct res *r, char **av, int ac) {
  /* The script's flags: -h -n -c -R -d, and xfs_io's -r -s -w. */
  static const char *letters = "hncRdrsw";
  static const int advice[] = { MADV_HUGEPAGE, MADV_NOHUGEPAGE, MADV_COLLAPSE, MADV_REMOVE, MADV_DONTNEED,
                                MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED };
  const char *l = ac > 1 && strlen(av[1]) == 1 ? strchr(letters, av[1][0]) : NULL;
  if (!l) bad_request("madvise letter");
  uint64_t pos, len;
  if ((r->err = map_range(av, ac, 2, &pos, &len))) return;
  SYS(r, madvise(map_addr(pos), (size_t)len, advice[l - letters]));
}

/* vmsplice each page into its own pipe (sized to one page with F_SETPIPE_SZ), so that any
 * page's reference can be dropped alone; ret is the bytes pinned, as one vmsplice would say. */
static void cmd_pin(struct res *r, char **av, int ac) {
  uint64_t pos, len;
  if ((r->err = map_range(av, ac, 1, &pos, &len))) return;
  uint64_t at = pos, end = pos + len;
  stats_begin();
  while (at < end) {
    uint64_t next = (at / PAGE + 1) * PAGE;
    if (next > end) next = end;
    int p[2];
    if (pipe2(p, O_CLOEXEC)) die("pipe: %s", strerror(errno));
    if (fcntl(p[1], F_SETPIPE_SZ, (int)PAGE) < 0) die("F_SETPIPE_SZ: %s", strerror(errno));
    uint64_t piece = next - at;
    struct iovec iov = { map_addr(at), (size_t)piece };
    ssize_t n = vmsplice(p[1], &iov, 1, SPLICE_F_NONBLOCK);
    int e = errno;
    close(p[1]);
    if (n <= 0) {
      close(p[0]);
      if (at == pos) r->err = n < 0 ? e : EFAULT;
      break;
    }
    if (npins == cappins) {
      cappins = cappins ? cappins * 2 : 64;
      pins = realloc(pins, sizeof *pins * (size_t)cappins);
      if (!pins) die("out of memory");
    }
    pins[npins++] = (struct pin){ p[0], map.file, at / PAGE };
    at += (uint64_t)n;
    if ((uint64_t)n < piece) break;
  }
  stats_end();
  if (!r->err) r->ret = (int64_t)(at - pos);
}

static void cmd_unpin(struct res *r, char **av, int ac) {
  uint64_t pos = 0, len = 0;
  int all = ac == 3 && strcmp(av[1], "-") == 0;
  if (!all && (r->err = map_range(av, ac, 1, &pos, &len))) return;
  uint64_t lo = pos / PAGE, hi = round_up(pos + len, PAGE) / PAGE;
  int k = 0;
  stats_begin();
  for (int i = 0; i < npins; i++) {
    if (all || (pins[i].file == map.file && pins[i].pgoff >= lo && pins[i].pgoff < hi)) close(pins[i].fd);
    else pins[k++] = pins[i];
  }
  stats_end();
  npins = k;
}

static uint64_t partially_mapped(int i) {
  char p[160], buf[32];
  snprintf(p, sizeof p, THP "/hugepages-%.15s/stats/nr_anon_partially_mapped", sizes[i]);
  return read_file(p, buf, sizeof buf) > 0 ? strtoull(buf, NULL, 10) : 0;
}

/* drop_caches also runs the THP deferred-split shrinker, which splits partially mapped anon
 * folios of other processes (Node's heaps): those splits, measured by the fall of
 * nr_anon_partially_mapped, are taken out of `split` and named in a warning. */
static void cmd_reclaim(struct res *r, struct sb *warn) {
  uint64_t pm[MAX_SIZES];
  for (int i = 0; i < nsizes; i++) pm[i] = partially_mapped(i);
  stats_begin();
  r->err = write_file(DROP_CACHES, "2");
  stats_end();
  for (int i = 0; i < nsizes; i++) {
    uint64_t now = partially_mapped(i);
    st_foreign[i] = pm[i] > now ? pm[i] - now : 0;
    if (st_foreign[i])
      sb_printf(warn, "reclaim split %" PRIu64 " partially mapped anon %s folio(s) of other processes, not counted;",
                st_foreign[i], sizes[i]);
  }
}

/* Let khugepaged run until full_scans grew by 2, then put it back to sleep. */
static void cmd_khugepaged(struct res *r, struct sb *warn) {
  uint64_t start = full_scans();
  stats_begin();
  r->err = write_file(THP "/khugepaged/alloc_sleep_millisecs", KHUGEPAGED_RUN_ALLOC_SLEEP);
  if (!r->err) r->err = write_file(THP "/khugepaged/scan_sleep_millisecs", KHUGEPAGED_RUN_SLEEP);
  long end = now_ms() + 120000;
  while (!r->err && full_scans() < start + 2 && now_ms() < end) sleep_ms(1);
  if (full_scans() < start + 2) sb_printf(warn, "khugepaged did not complete 2 full scans in 120 s;");
  if (write_file(THP "/khugepaged/scan_sleep_millisecs", SLEEP_HIGH) ||
      write_file(THP "/khugepaged/alloc_sleep_millisecs", SLEEP_HIGH))
    die("cannot put khugepaged back to sleep");
  if (!wait_khugepaged_asleep(30000)) sb_printf(warn, "khugepaged did not go back to sleep;");
  stats_end();
}

/* ---------------------------------------------------------------- main loop */

static void respond(struct sb *out) {
  sb_printf(out, "\n");
  if (write_all(1, out->p, out->n)) { cleanup(); _exit(4); }
}

static void emit_stats(struct sb *out) {
  sb_printf(out, " stats=");
  if (st_taken != 2) return;
  int first = 1;
  for (int i = 0; i < nsizes; i++)
    for (int c = 0; c < N_COUNTERS; c++) {
      uint64_t d = st_after[i][c] - st_before[i][c];
      if (strcmp(COUNTERS[c], "split") == 0) d = d > st_foreign[i] ? d - st_foreign[i] : 0;
      if (d) {
        sb_printf(out, "%s%s.%s:%" PRIu64, first ? "" : ",", sizes[i], COUNTERS[c], d);
        first = 0;
      }
    }
}

static void dispatch(struct res *r, char **av, int ac, struct sb *warn) {
  const char *c = av[0];
  if (!strcmp(c, "mount")) cmd_mount(r, av, ac);
  else if (!strcmp(c, "remount")) cmd_remount(r, av, ac);
  else if (!strcmp(c, "thp")) cmd_thp(r, av, ac);
  else if (!strcmp(c, "open")) cmd_open(r, av, ac);
  else if (!strcmp(c, "unlink")) cmd_unlink(r);
  else if (!strcmp(c, "pwrite")) cmd_pwrite(r, av, ac);
  else if (!strcmp(c, "pread")) cmd_pread(r, av, ac);
  else if (!strcmp(c, "falloc")) {
    int64_t k = arg(av, 1, ac), pos = arg(av, 2, ac), len = arg(av, 3, ac);
    cmd_fallocate(r, k ? FALLOC_FL_KEEP_SIZE : 0, pos, len);
  } else if (!strcmp(c, "fpunch")) cmd_fallocate(r, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, arg(av, 1, ac), arg(av, 2, ac));
  else if (!strcmp(c, "fzero")) cmd_fallocate(r, FALLOC_FL_ZERO_RANGE, arg(av, 1, ac), arg(av, 2, ac));
  else if (!strcmp(c, "truncate")) {
    int64_t size = arg(av, 1, ac);
    NEED_FILE(r);
    SYS(r, ftruncate(cur()->fd, size));
  } else if (!strcmp(c, "seek")) cmd_seek(r, av, ac);
  else if (!strcmp(c, "mmap")) cmd_mmap(r, av, ac);
  else if (!strcmp(c, "munmap")) {
    if (!map.addr) r->err = EINVAL;
    else { stats_begin(); drop_mapping(); stats_end(); }
  } else if (!strcmp(c, "mread")) cmd_mtouch(r, av, ac, 0);
  else if (!strcmp(c, "mwrite")) cmd_mtouch(r, av, ac, 1);
  else if (!strcmp(c, "madvise")) cmd_madvise(r, av, ac);
  else if (!strcmp(c, "pin")) cmd_pin(r, av, ac);
  else if (!strcmp(c, "unpin")) cmd_unpin(r, av, ac);
  else if (!strcmp(c, "reclaim")) cmd_reclaim(r, warn);
  else if (!strcmp(c, "khugepaged")) cmd_khugepaged(r, warn);
  else r->unsupported = 1;
}

static void serve(void) {
  char *line = NULL;
  size_t cap = 0;
  struct sb out = { 0 }, warn = { 0 };
  struct res r;
  memset(&r, 0, sizeof r);
  for (;;) {
    ssize_t n = getline(&line, &cap, stdin);
    if (n <= 0) break;
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
    char *av[64];
    int ac = 0;
    for (char *t = strtok(line, " "); t && ac < 64; t = strtok(NULL, " ")) av[ac++] = t;
    if (!ac) bad_request("empty line");
    if (!strcmp(av[0], "quit")) break;
    r.err = 0;
    r.ret = 0;
    r.unsupported = 0;
    sb_reset(&r.data);
    sb_reset(&out);
    sb_reset(&warn);
    st_taken = 0;
    memset(st_foreign, 0, sizeof st_foreign);
    touched_all(); /* what the command may change: the commands that know narrow it */
    char cmd[32];
    snprintf(cmd, sizeof cmd, "%s", av[0]);
    dispatch(&r, av, ac, &warn);
    if (r.unsupported) { sb_printf(&out, "unsupported %s", cmd); respond(&out); continue; }
    if (r.err == ERR_SIGBUS) sb_printf(&out, "ok ret=SIGBUS");
    else if (r.err) sb_printf(&out, "ok ret=%s", errname(r.err));
    else sb_printf(&out, "ok ret=%" PRId64, r.ret);
    emit_stats(&out);
    observe(&out, &warn);
    if (!strcmp(cmd, "pread") && !r.err) sb_printf(&out, " data=%s", r.data.n ? r.data.p : "");
    if (warn.n) {
      struct sb w = { 0 };
      sb_printf(&w, "warn %s", warn.p);
      respond(&w);
      free(w.p);
    }
    respond(&out);
  }
  free(line);
}

/* ---------------------------------------------------------------- start-up */

static void take_lock(void) {
  const char *path = access("/run/lock", W_OK) == 0 ? "/run/lock/foliolog-probe.lock" : "/tmp/foliolog-probe.lock";
  lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0) die("open %s: %s", path, strerror(errno));
  long end = now_ms() + 600000;
  int told = 0;
  while (flock(lock_fd, LOCK_EX | LOCK_NB)) {
    if (errno != EWOULDBLOCK) die("flock: %s", strerror(errno));
    if (now_ms() > end) die("another foliolog probe has held %s for 10 minutes", path);
    if (!told++) dprintf(1, "warn waiting for another foliolog probe to finish\n");
    sleep_ms(50);
  }
}

/* The watchdog restores the knobs and removes the temp folder unless told 'D' before EOF. */
static void start_watchdog(void) {
  int p[2];
  if (pipe(p)) die("pipe: %s", strerror(errno));
  pid_t pid = fork();
  if (pid < 0) die("fork: %s", strerror(errno));
  if (pid == 0) {
    setsid();
    for (int s = 1; s < NSIG; s++) if (s != SIGKILL && s != SIGSTOP && s != SIGCHLD) signal(s, SIG_IGN);
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    close(p[1]);
    prctl(PR_SET_NAME, "foliolog-wdog");
    char c;
    int done = 0;
    ssize_t n;
    while ((n = read(p[0], &c, 1)) != 0) {
      if (n < 0 && errno != EINTR) break;
      if (n == 1 && c == 'D') done = 1;
    }
    if (!done) {
      restore_knobs();
      DIR *d = opendir(tmpdir);
      struct dirent *e;
      char path[PATH_MAX + 260];
      while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
        umount2(path, MNT_DETACH);
        rmdir(path);
      }
      if (d) closedir(d);
      rmdir(tmpdir);
    }
    _exit(0);
  }
  close(p[0]);
  watch_fd = p[1];
  watch_pid = pid;
}

static void private_namespace(struct sb *warn) {
  if (unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0) return;
  sb_printf(warn, "no private mount namespace (%s): mounts are visible under %s", strerror(errno), tmpdir);
}

/* --check: can this kernel run us? Mounts a tmpfs with huge= in a private namespace. */
static int check(void) {
  /* Out of the caller's process group, as the driver spawns the helper itself: a terminal's
   * Ctrl-C must not kill us between mkdtemp and rmdir. */
  setsid();
  if (geteuid() != 0) { puts("fail not root"); return 1; }
  if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
    printf("fail cannot create a private mount namespace: %s\n", strerror(errno));
    return 1;
  }
  char dir[] = "/tmp/foliolog-check-XXXXXX";
  if (!mkdtemp(dir)) { printf("fail mkdtemp: %s\n", strerror(errno)); return 1; }
  int ok = mount("foliolog", dir, "tmpfs", 0, "huge=within_size,size=0") == 0;
  int e = errno;
  int cs = 0;
  if (ok) {
    char f[64];
    snprintf(f, sizeof f, "%s/f", dir);
    int fd = open(f, O_RDWR | O_CREAT, 0600);
    uint64_t c;
    cs = fd >= 0 ? cachestat_count(fd, 0, 1, &c) : errno;
    if (fd >= 0) close(fd);
    umount2(dir, MNT_DETACH);
  }
  rmdir(dir);
  if (!ok) { printf("fail tmpfs refuses huge=: %s\n", strerror(e)); return 1; }
  if (cs) { printf("fail cachestat(2): %s\n", strerror(cs)); return 1; }
  puts("ok");
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--check") == 0) return check();
  if (argc != 1) { fprintf(stderr, "usage: foliolog-probe [--check]\n"); return 2; }
  pid_t parent = getppid();
  install_signals();
  if (prctl(PR_SET_PDEATHSIG, SIGTERM) || getppid() != parent) return 3;
  if (geteuid() != 0) die("not root");
  struct sb warn = { 0 };
  struct rlimit rl = { 1 << 20, 1 << 20 };
  if (setrlimit(RLIMIT_NOFILE, &rl)) {
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  take_lock();
  discover_sizes();
  save_knobs();
  snprintf(tmpdir, sizeof tmpdir, "/tmp/foliolog-probe-XXXXXX");
  if (!mkdtemp(tmpdir)) { tmpdir[0] = 0; die("mkdtemp: %s", strerror(errno)); }
  start_watchdog();
  private_namespace(&warn);
  if ((pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC)) < 0) die("pagemap: %s", strerror(errno));
  if ((kpageflags_fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC)) < 0) die("kpageflags: %s", strerror(errno));
  open_stats();
  const char *v = getenv("FOLIOLOG_PROBE_VERIFY");
  verify_obs = v && strcmp(v, "1") == 0;
  find_khugepaged();
  if (kh_pid < 0) sb_printf(&warn, "%sno khugepaged thread found", warn.n ? "; " : "");
  set_baseline();
  register_mm();
  if (kh_pid >= 0 && !wait_khugepaged_asleep(30000)) die("khugepaged did not go to sleep within 30 s");
  struct utsname u;
  uname(&u);
  if (warn.n) dprintf(1, "warn %s\n", warn.p);
  dprintf(1, "ready %s\n", u.release);
  serve();
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, NULL);
  for (int i = 0; i < npins; i++) close(pins[i].fd);
  drop_mapping();
  for (int i = 0; i < nfiles; i++) close(files[i].fd);
  cleanup();
  dprintf(1, "bye\n");
  return 0;
}
