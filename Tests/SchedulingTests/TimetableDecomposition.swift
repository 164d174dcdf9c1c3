import Rules
import Scheduling

/// The constructive half of the exactness proof: counts per (group, block) become N student
/// timetables. Each group's need is cut into requirement units of N student-blocks; with dummy
/// units for the room left in the blocks, units × blocks is an N-regular bipartite multigraph
/// with as many units as blocks, so it has a perfect matching (Hall); taking one away leaves an
/// (N − 1)-regular graph, and so on (König). Each matching is one student's year.
enum TimetableDecomposition {
    /// A unit: `group` nil for a dummy; `edges[b]` its student-blocks in block b.
    struct Unit {
        var group: Int?
        var edges: [Int]
    }

    /// Per student, per block: the group there (nil: a free block). nil when the counts cannot be
    /// cut into units (a group's count is not N × its need, a block holds more than N, or the
    /// students need more blocks than the calendar has) or a matching is missing.
    static func timetables(_ placed: [[Int]], _ problem: CohortProblem) -> [[Int?]]? {
        guard let type = problem.types.first, var units = units(placed, problem, type) else { return nil }
        var students: [[Int?]] = []
        for _ in 0..<type.count {
            guard let matching = perfectMatching(units, blocks: problem.blocks.count) else { return nil }
            var year = [Int?](repeating: nil, count: problem.blocks.count)
            for (u, b) in matching.enumerated() {
                units[u].edges[b] -= 1
                year[b] = units[u].group
            }
            students.append(year)
        }
        return students
    }

    static func units(_ placed: [[Int]], _ problem: CohortProblem, _ type: StudentType) -> [Unit]? {
        let students = type.count, blockCount = problem.blocks.count
        var units: [Unit] = []
        for g in problem.groups.indices {
            for half in [false, true] {
                var left = problem.blocks.indices.map { problem.blocks[$0].isHalf == half ? placed[g][$0] : 0 }
                guard left.reduce(0, +) == students * type.need(g, half: half) else { return nil }
                for _ in 0..<type.need(g, half: half) { units.append(Unit(group: g, edges: take(students, from: &left))) }
            }
        }
        var room = problem.blocks.indices.map { b in students - problem.groups.indices.reduce(0) { $0 + placed[$1][b] } }
        guard units.count <= blockCount, room.allSatisfy({ $0 >= 0 }) else { return nil }
        while units.count < blockCount { units.append(Unit(group: nil, edges: take(students, from: &room))) }
        return units
    }

    /// `count` student-blocks off the front of `left`.
    private static func take(_ count: Int, from left: inout [Int]) -> [Int] {
        var edges = left.map { _ in 0 }
        var wanted = count
        for b in left.indices where wanted > 0 {
            let taken = min(wanted, left[b])
            edges[b] = taken
            left[b] -= taken
            wanted -= taken
        }
        return edges
    }

    /// A block for every unit, no block twice (augmenting paths); nil when there is none.
    static func perfectMatching(_ units: [Unit], blocks: Int) -> [Int]? {
        var unitOf = [Int?](repeating: nil, count: blocks)
        for u in units.indices {
            var seen = [Bool](repeating: false, count: blocks)
            guard augment(u, units, &unitOf, &seen) else { return nil }
        }
        var blockOf = [Int](repeating: -1, count: units.count)
        for (b, u) in unitOf.enumerated() { if let u { blockOf[u] = b } }
        return blockOf
    }

    private static func augment(_ u: Int, _ units: [Unit], _ unitOf: inout [Int?], _ seen: inout [Bool]) -> Bool {
        for b in units[u].edges.indices where units[u].edges[b] > 0 && !seen[b] {
            seen[b] = true
            if let other = unitOf[b] {
                guard augment(other, units, &unitOf, &seen) else { continue }
            }
            unitOf[b] = u
            return true
        }
        return false
    }
}

extension ScheduleCertificate {
    /// (c) The counts are N real timetables: each student has exactly the type's blocks of each
    /// group and family, one placement per block at most, and the timetables add up to the counts.
    static func timetableViolations(_ placed: [[Int]], _ problem: CohortProblem) -> [String] {
        guard let type = problem.types.first else { return ["no type"] }
        guard let years = TimetableDecomposition.timetables(placed, problem) else { return ["the counts do not decompose into timetables"] }
        var wrong: [String] = []
        var total = placed.map { $0.map { _ in 0 } }
        for (student, year) in years.enumerated() {
            for g in problem.groups.indices {
                for half in [false, true] {
                    let blocks = year.indices.filter { year[$0] == g && problem.blocks[$0].isHalf == half }
                    if blocks.count != type.need(g, half: half) {
                        wrong.append("student \(student + 1): \(blocks.count) \(half ? "half" : "whole") blocks of \(problem.groups[g])")
                    }
                    for b in blocks { total[g][b] += 1 }
                }
            }
        }
        if years.count != type.count { wrong.append("\(years.count) timetables for \(type.count) students") }
        if total != placed { wrong.append("the timetables do not add up to the counts") }
        return wrong
    }
}
