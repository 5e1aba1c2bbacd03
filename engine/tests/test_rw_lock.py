import threading
import time

from boxed_engine.rw_lock import ReadWriteLock


def test_readers_share_writers_exclude_and_a_waiting_writer_goes_before_new_readers():
    lock, events = ReadWriteLock(), []
    first_reader_in = threading.Event()

    def reader(name: str, hold: float, signal: threading.Event | None = None) -> None:
        with lock.reading():
            events.append(f"{name} in")
            if signal:
                signal.set()
            time.sleep(hold)
            events.append(f"{name} out")

    def writer() -> None:
        with lock.writing():
            events.append("writer in")
            events.append("writer out")

    threads = [threading.Thread(target=reader, args=("r1", 0.3, first_reader_in))]
    threads[0].start()
    first_reader_in.wait()
    threads.append(threading.Thread(target=writer))
    threads[1].start()
    time.sleep(0.1)  # the writer is now waiting on r1
    threads.append(threading.Thread(target=reader, args=("r2", 0.0)))
    threads[2].start()
    for thread in threads:
        thread.join()
    assert events.index("writer in") > events.index("r1 out")
    assert events.index("r2 in") > events.index("writer out")
