# SPDX-License-Identifier: GPL-2.0 OR MIT
"""TAP output for the Python tests: one "ok N - ..." line per check, the
plan and the count last (the secmsgd and cluster VM tests, through
selftests/daemon/harness.py, and the host tests that import it).
"""


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0
        print("TAP version 13", flush=True)

    def ok(self, cond, desc, *diag):
        self.n += 1
        if not cond:
            self.failed += 1
        print("%sok %d - %s" % ("" if cond else "not ", self.n, desc),
              flush=True)
        if not cond:
            for d in diag:
                for line in str(d).splitlines() or [""]:
                    print("#   " + line, flush=True)
        return cond

    def eq(self, got, want, desc):
        return self.ok(got == want, desc, "got:  %r" % (got,),
                       "want: %r" % (want,))

    def skip(self, desc, why):
        self.n += 1
        print("ok %d - %s # SKIP %s" % (self.n, desc, why), flush=True)

    def diag(self, msg):
        for line in str(msg).splitlines():
            print("# " + line, flush=True)

    def done(self):
        print("1..%d" % self.n)
        print("# %d passed, %d failed" % (self.n - self.failed, self.failed),
              flush=True)
        return 1 if self.failed else 0
