import NIOCore

/// Runs a task's jobs on one NIO event loop: a store request pinned to its connection's loop
/// resumes there after each query, without a hop to the cooperative pool and back.
final class EventLoopExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

extension EventLoopExecutor: @unchecked Sendable {}  // immutable; the loop is thread-safe
