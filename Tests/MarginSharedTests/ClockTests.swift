import Testing

@testable import MarginShared

@Suite struct VersionVectorTests {
    let a = replica("a")
    let b = replica("b")

    @Test func compareCoversAllFourOrders() {
        let empty = VersionVector()
        let one = VersionVector([a: 1])
        let two = VersionVector([a: 2])
        let other = VersionVector([b: 1])
        #expect(one.compare(one) == .equal)
        #expect(empty.compare(one) == .before)
        #expect(two.compare(one) == .after)
        #expect(one.compare(other) == .concurrent)
        #expect(VersionVector([a: 0]).compare(empty) == .equal)
    }

    @Test func mergeIsPointwiseMaximum() {
        let left = VersionVector([a: 3, b: 1])
        let right = VersionVector([a: 1, b: 5])
        #expect(left.merged(with: right) == VersionVector([a: 3, b: 5]))
        #expect(left.merged(with: right).dominates(left))
        #expect(!left.dominates(right))
    }

    @Test func incrementMakesTheNextDot() {
        var vector = VersionVector([a: 4])
        let dot = vector.increment(a)
        #expect(dot == Dot(a, 5))
        #expect(vector.contains(dot))
        #expect(!vector.contains(Dot(a, 6)))
        #expect(vector.increment(b) == Dot(b, 1))
    }

    @Test func replicaIDsRejectUnsafeText() {
        #expect(ReplicaID("") == nil)
        #expect(ReplicaID("a/b") == nil)
        #expect(ReplicaID("x'; DROP TABLE") == nil)
        #expect(ReplicaID(String(repeating: "a", count: 65)) == nil)
        #expect(ReplicaID.random().rawValue.count == 16)
        #expect(ReplicaID.random() != ReplicaID.random())
    }
}

@Suite struct HybridLogicalClockTests {
    @Test func staysMonotonicWhenTheWallClockGoesBack() {
        var clock = HybridLogicalClock(replica: replica("a"))
        let first = clock.tick(wallMillis: 1_000)
        let second = clock.tick(wallMillis: 500)
        let third = clock.tick(wallMillis: 500)
        let fourth = clock.tick(wallMillis: 2_000)
        #expect(first < second && second < third && third < fourth)
        #expect(second.wallMillis == 1_000 && second.logical == 1)
        #expect(fourth.wallMillis == 2_000 && fourth.logical == 0)
    }

    @Test func ticksAfterWhatItObserved() {
        var clock = HybridLogicalClock(replica: replica("a"))
        let remote = Timestamp(wallMillis: 9_000, logical: 7, replica: replica("b"))
        clock.observe(remote)
        let next = clock.tick(wallMillis: 100)
        #expect(next > remote)
        #expect(next.wallMillis == 9_000 && next.logical == 8)
    }

    @Test func ordersTotallyWithReplicaAsLastTieBreak() {
        let x = Timestamp(wallMillis: 5, logical: 1, replica: replica("a"))
        let y = Timestamp(wallMillis: 5, logical: 1, replica: replica("b"))
        #expect(x < y && !(y < x) && x != y)
    }

    @Test func logicalOverflowCarriesIntoWallTime() {
        var clock = HybridLogicalClock(replica: replica("a"), wallMillis: 10, logical: UInt32.max)
        let next = clock.tick(wallMillis: 10)
        #expect(next.wallMillis == 11 && next.logical == 0)
    }
}
