#!/usr/bin/env python3
"""HiGHS (MIT), the peer of CBC for the plan's integer programme (docs/planning.md#solver).

    python3 scripts/highs_peer.py MODEL.mps [SECONDS]

Reads an MPS file that ScheduleBench wrote through CBC (Cbc_writeMps), solves it with HiGHS
(`pip install highspy`; outside CI), and prints one line: status, objective, bound, the wall time
of the solve and the process's peak memory. Single-threaded like CBC here, so the times compare.
"""
import resource
import sys
import time

import highspy


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 64
    path = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("time_limit", seconds)
    highs.setOptionValue("threads", 1)
    # kWarning: CBC writes an integer column without an upper bound as UI 1e30, which HiGHS reads as +inf and says so.
    if highs.readModel(path) == highspy.HighsStatus.kError:
        print(f"{path}: error: HiGHS could not read the model", file=sys.stderr)
        return 1
    started = time.monotonic()
    highs.run()
    took = time.monotonic() - started
    info = highs.getInfo()
    status = highs.modelStatusToString(highs.getModelStatus())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"highs {path.rsplit('/', 1)[-1]} status={status} objective={info.objective_function_value:.6g} "
          f"bound={info.mip_dual_bound:.6g} ms={took * 1000:.0f} peak_mb={peak}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
