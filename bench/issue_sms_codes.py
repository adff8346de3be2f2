#!/usr/bin/env python3
"""Issues SMS login codes to COUNT new mobile numbers for scripts/bench-server.

    issue_sms_codes.py API_ROOT COUNT [THREADS]

POSTs {"phone", "purpose": "login"} to API_ROOT/sms/codes, one new number per
request ("15" + thread digit + 8-digit counter), over keep-alive connections.
The server counts codes per client address (SmsCodes looks at all of that
address's codes of the day on every request, so the cost grows with the
count): each connection therefore comes from its own loopback address
(127.T.x.y, reachable without set-up on Linux) and is replaced after
PER_ADDRESS codes. The codes themselves are read from the outbox by the
caller. Prints "issued=N failed=F seconds=S rate=R" and the first failure;
stdlib only.
"""
import http.client
import sys
import threading
import time
import urllib.parse

PER_ADDRESS = 500


def worker(index, url, count, results):
    issued = failed = 0
    first_error = ""
    conn = None
    block = 0
    for n in range(count):
        if n % PER_ADDRESS == 0:
            if conn:
                conn.close()
            source = f"127.{index + 1}.{block // 250}.{block % 250 + 1}"
            block += 1
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30,
                                              source_address=(source, 0))
        body = f'{{"phone":"15{index}{n:08d}","purpose":"login"}}'
        try:
            conn.request("POST", url.path + "/sms/codes", body,
                         {"Content-Type": "application/json"})
            response = conn.getresponse()
            text = response.read()
            if response.status == 202:
                issued += 1
            else:
                failed += 1
                first_error = first_error or f"{response.status} {text[:300]!r}"
        except (OSError, http.client.HTTPException) as e:
            failed += 1
            first_error = first_error or repr(e)
            conn.close()
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30,
                                              source_address=(source, 0))
    conn.close()
    results[index] = (issued, failed, first_error)


def main():
    url = urllib.parse.urlsplit(sys.argv[1].rstrip("/"))
    count = int(sys.argv[2])
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    if not 1 <= threads <= 10:
        sys.exit("THREADS must be 1-10")
    results = [None] * threads
    start = time.monotonic()
    pool = [threading.Thread(target=worker,
                             args=(i, url, count // threads + (i < count % threads), results))
            for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    seconds = time.monotonic() - start
    issued = sum(r[0] for r in results)
    failed = sum(r[1] for r in results)
    print(f"issued={issued} failed={failed} seconds={seconds:.2f} rate={issued / seconds:.0f}")
    errors = [r[2] for r in results if r[2]]
    if errors:
        print("first failure: " + errors[0])


if __name__ == "__main__":
    main()
