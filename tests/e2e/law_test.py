"""The law end to end: law_scenarios.py drives one scenario per clock rule through gRPC with
python3-grpcio (code generated from proto/ here), on a casework-dev stack whose business date
is fixed (--today, non-production): phase A on Tue 3 March 2026; then the same data restarted
on Fri 29 January 2027, when phase A's clocks have run out.

Usage: law_test.py BIN_DIR SOURCE_DIR
"""
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "testing"))
from dev_stack import DevStack, generate_protos  # noqa: E402


def main():
    bin_dir, src_dir = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as py:
        generate_protos(src_dir, py)
        sys.path.insert(0, HERE)
        import law_scenarios  # noqa: E402  (imports the generated code)
        with DevStack(bin_dir, "--today", "2026-03-03") as stack:
            with open(stack.err, encoding="utf-8") as f:
                assert "NON-PRODUCTION" in f.read(), "the fixed business date was not announced"
            for phase, today in (("A", None), ("B", "2027-01-29")):
                if today:
                    stack.restart("--today", today)
                law_scenarios.run(phase, stack.addr("ehc"), stack.addr("reviews"),
                                  stack.addr("transport"), stack.addr("complaints"),
                                  stack.addr("projection"), stack.env["CASEWORK_MANAGER_TOKEN"])
            code = stack.stop()
            assert code == 0, f"casework-dev did not stop cleanly (exit {code})"
    print("law e2e: ok")


if __name__ == "__main__":
    main()
