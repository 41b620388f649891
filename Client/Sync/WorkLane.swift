import Foundation

/// A thread of its own for blocking work: decoding a page, a store transaction.
///
/// Swift's cooperative pool has one thread per core, and dispatch queues draw on the same few
/// threads here. A page being stored and another being decoded held both threads of a 2-core
/// machine, so the task that hands out the next page waited for one of them to end. On a thread
/// of its own, the blocking work leaves the pool to the requests, and the kernel shares the cores.
final class WorkLane: Sendable {
    private let jobs = LaneJobs()

    /// A lane with its own thread, named for debuggers and profiles; it lives as long as the process.
    init(label: String) {
        let thread = Thread { [jobs] in jobs.serve() }
        thread.name = label
        thread.start()
    }

    /// Runs `job` on the lane's thread after the jobs before it, without waiting for it.
    func submit(_ job: @escaping @Sendable () -> Void) {
        jobs.add(job)
    }

    /// Runs `body` on the lane's thread and waits for its result without holding a thread of the pool.
    func run<Value: Sendable, Failure: Error>(
        _ body: @escaping @Sendable () throws(Failure) -> Value
    ) async -> Result<Value, Failure> {
        await withCheckedContinuation { continuation in
            jobs.add { continuation.resume(returning: Result { () throws(Failure) -> Value in try body() }) }
        }
    }
}

/// The lane's queue of jobs, run in order by its thread.
private final class LaneJobs {
    private let condition = NSCondition()
    private var waiting: [@Sendable () -> Void] = []

    func add(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        waiting.append(job)
        condition.signal()
        condition.unlock()
    }

    func serve() -> Never {
        while true {
            condition.lock()
            while waiting.isEmpty { condition.wait() }
            let batch = waiting
            waiting.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job() }
        }
    }
}

// The queue is read and written only under `condition`.
extension LaneJobs: @unchecked Sendable {}
