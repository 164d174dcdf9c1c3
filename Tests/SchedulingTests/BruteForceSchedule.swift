import Domain
import Rules
import Scheduling

/// A seeded generator (SplitMix64): the same instances on every run and machine.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
}

/// Small random cohort problems: 1–3 groups, 2–5 blocks (a third of them with one block split
/// into halves), slots 0–3, and `typeCount` types of 1–4 students in all.
enum RandomCohort {
    static func problem(_ random: inout SplitMix64, typeCount: ClosedRange<Int>) -> CohortProblem {
        let groupCount = random.int(1...3)
        let blockCount = random.int(2...4)
        let split = random.int(0...2) == 0 ? [random.int(1...blockCount)] : []
        let blocks = BlockCalendar.blocks(of: PlacementYear(startYear: 2026),
                                          CalendarSettings(blockWeeks: 4, blockCount: blockCount + (split.isEmpty ? random.int(0...1) : 0),
                                                           halfBlocks: split))
        let slots = (0..<groupCount).map { _ in blocks.map { _ in random.int(0...3) } }
        let wanted = random.int(typeCount)
        var left = random.int(max(1, wanted)...4)
        var types: [StudentType] = []
        for index in 0..<wanted {
            let count = index == wanted - 1 ? left : random.int(0...max(0, left - (wanted - 1 - index)))
            left -= count
            let whole = (0..<groupCount).map { _ in random.int(0...2) }
            let half = (0..<groupCount).map { _ in split.isEmpty ? 0 : random.int(0...1) }
            types.append(StudentType(count: count, wholeBlocks: whole, halfBlocks: half))
        }
        return CohortProblem(groups: (0..<groupCount).map { "G\($0)" }, blocks: blocks, slots: slots, types: types)
    }
}

/// Every timetable of every student, combined: the loads per (group, block) the cohort can
/// make, and the fewest extra slots over them. Students of a type are interchangeable, so the
/// combinations are kept as the set of loads they reach (the same enumeration, without repeats).
struct BruteForceSchedule {
    let problem: CohortProblem
    /// Loads reachable by some timetable of every student, flattened g × blocks + b.
    let loads: Set<[Int]>

    init(_ problem: CohortProblem) {
        self.problem = problem
        var reached: Set<[Int]> = [Array(repeating: 0, count: problem.groups.count * problem.blocks.count)]
        for type in problem.types where type.count > 0 {
            let timetables = Self.timetables(type, problem)
            for _ in 0..<type.count {
                var next: Set<[Int]> = []
                for load in reached {
                    for timetable in timetables {
                        var sum = load
                        for (b, g) in timetable.enumerated() where g >= 0 { sum[g * problem.blocks.count + b] += 1 }
                        next.insert(sum)
                    }
                }
                reached = next
            }
        }
        loads = reached
    }

    /// One student's timetables: a group or none (−1) per block, each group's whole and half
    /// blocks as many as the type needs.
    static func timetables(_ type: StudentType, _ problem: CohortProblem) -> [[Int]] {
        var all: [[Int]] = [[]]
        for _ in problem.blocks {
            all = all.flatMap { partial in (-1..<problem.groups.count).map { partial + [$0] } }
        }
        return all.filter { timetable in
            problem.groups.indices.allSatisfy { g in
                let whole = timetable.indices.filter { timetable[$0] == g && !problem.blocks[$0].isHalf }.count
                let half = timetable.indices.filter { timetable[$0] == g && problem.blocks[$0].isHalf }.count
                return whole == type.wholeBlocks[g] && half == type.halfBlocks[g]
            }
        }
    }

    func extra(_ load: [Int]) -> Int {
        var total = 0
        for g in problem.groups.indices {
            for b in problem.blocks.indices { total += max(0, load[g * problem.blocks.count + b] - problem.slots[g][b]) }
        }
        return total
    }

    /// nil when no student combination exists at all (the calendar cannot hold a student).
    var fewestExtra: Int? { loads.map(extra).min() }
}
