import Rules
import Scheduling

/// Checks a one-type answer of `CohortFlow` from the problem alone, without the network: each
/// check returns what is wrong, in words, and nothing when the answer holds. The tests that
/// use it also feed it broken answers, so that it is seen to fail.
enum ScheduleCertificate {
    /// The students and needs of the problem's one type.
    struct Cohort {
        let students: Int
        let need: StudentType

        init(_ problem: CohortProblem) {
            need = problem.types.first ?? StudentType(count: 0, wholeBlocks: problem.groups.map { _ in 0 },
                                                      halfBlocks: problem.groups.map { _ in 0 })
            students = need.count
        }

        var demand: Int { students * (need.wholeBlocks.reduce(0, +) + need.halfBlocks.reduce(0, +)) }
    }

    // MARK: (a) the schedule

    /// Every rule of a schedule: each group's and family's student-blocks, at most the cohort
    /// in a block, on slots except where extra slots were added, whole needs in whole blocks
    /// and half needs in half-blocks.
    static func scheduleViolations(_ answer: CohortAnswer, _ problem: CohortProblem) -> [String] {
        let type = Cohort(problem)
        var wrong: [String] = []
        for g in problem.groups.indices {
            for half in [false, true] {
                let placed = problem.blocks.indices.filter { problem.blocks[$0].isHalf == half }.reduce(0) { $0 + answer.placed[g][$1] }
                let wanted = type.students * type.need.need(g, half: half)
                if placed != wanted { wrong.append("\(problem.groups[g]) \(half ? "half" : "whole"): \(placed) placed, \(wanted) needed") }
            }
            for b in problem.blocks.indices {
                let cell = "\(problem.groups[g]) in block \(problem.blocks[b].label)"
                if answer.extra[g][b] < 0 { wrong.append("\(cell): negative extra slots") }
                if answer.placed[g][b] - answer.extra[g][b] > problem.slots[g][b] {
                    wrong.append("\(cell): \(answer.placed[g][b]) placed on \(problem.slots[g][b]) slots and \(answer.extra[g][b]) extra")
                }
                if answer.placed[g][b] > 0, type.need.need(g, half: problem.blocks[b].isHalf) == 0 {
                    wrong.append("\(cell): placed in a block of a family the group does not need")
                }
            }
        }
        for b in problem.blocks.indices {
            let inBlock = problem.groups.indices.reduce(0) { $0 + answer.placed[$1][b] }
            if inBlock > type.students { wrong.append("block \(problem.blocks[b].label): \(inBlock) students of \(type.students)") }
        }
        return wrong
    }

    // MARK: (b) the cut

    /// The cut's capacity, recomputed from the problem and the source side: the demand of the
    /// group nodes outside it, the slots from its group nodes to blocks outside it, and the
    /// cohort for each of its blocks (their edge to the sink).
    static func cutCapacity(_ certificate: FlowCertificate, _ problem: CohortProblem) -> Int {
        let type = Cohort(problem)
        let inside = Set(certificate.sourceBlocks)
        var capacity = inside.count * type.students
        for g in problem.groups.indices {
            for half in [false, true] where type.need.need(g, half: half) > 0 {
                guard half ? certificate.sourceHalf[g] : certificate.sourceWhole[g] else {
                    capacity += type.students * type.need.need(g, half: half)
                    continue
                }
                for b in problem.blocks.indices where problem.blocks[b].isHalf == half && !inside.contains(b) {
                    capacity += problem.slots[g][b]
                }
            }
        }
        return capacity
    }

    /// The certificate proves the maximum: its flow keeps every rule on the slots alone (no
    /// extra slot) and places as many student-blocks as the cut lets through.
    static func certificateViolations(_ certificate: FlowCertificate, _ problem: CohortProblem) -> [String] {
        let type = Cohort(problem)
        let asSchedule = CohortAnswer(method: .maxFlow, students: type.students, feasible: nil, placed: certificate.flow,
                                      extra: certificate.flow.map { $0.map { _ in 0 } })
        var wrong = scheduleViolations(asSchedule, problem).filter { !$0.contains("needed") }
        for g in problem.groups.indices {
            for half in [false, true] {
                let placed = problem.blocks.indices.filter { problem.blocks[$0].isHalf == half }.reduce(0) { $0 + certificate.flow[g][$1] }
                if placed > type.students * type.need.need(g, half: half) { wrong.append("\(problem.groups[g]): flow above its demand") }
            }
        }
        let value = certificate.flow.reduce(0) { $0 + $1.reduce(0, +) }
        if value != certificate.value { wrong.append("the flow adds up to \(value), not \(certificate.value)") }
        let capacity = cutCapacity(certificate, problem)
        if capacity != certificate.cutCapacity { wrong.append("the cut's capacity is \(capacity), not \(certificate.cutCapacity)") }
        if capacity != value { wrong.append("the cut lets through \(capacity) and the flow is \(value): no proof of the maximum") }
        return wrong
    }

    /// The answer agrees with the certificate: feasible exactly when the maximum is the demand;
    /// otherwise the bottleneck is the certificate's cut read as the answer says (its groups,
    /// full cells and busy blocks, their capacity, the shortfall), every full cell has all its
    /// slots taken, the extra slots reach the shortfall (each adds one student-block at most,
    /// so none can do with fewer) and sit on cells that cross the cut.
    static func answerViolations(_ answer: CohortAnswer, _ certificate: FlowCertificate, _ problem: CohortProblem) -> [String] {
        let type = Cohort(problem)
        let shortfall = type.demand - certificate.value
        var wrong: [String] = []
        if answer.feasible != (shortfall == 0) { wrong.append("feasible is \(String(describing: answer.feasible)) with a shortfall of \(shortfall)") }
        // A least fix crosses every minimum cut: the slot edges over the cut carry the maximum at
        // most, so each of the shortfall's extra student-blocks must cross on an extra slot.
        let crossing = answer.calendarShortfall == nil ? crossingCells(certificate, problem) : []
        for g in problem.groups.indices where answer.calendarShortfall == nil {
            for b in problem.blocks.indices where answer.extra[g][b] > 0 && !crossing.contains(GroupBlock(group: g, block: b)) {
                wrong.append("\(answer.extra[g][b]) extra slots for \(problem.groups[g]) in block \(problem.blocks[b].label), not on the cut")
            }
        }
        guard shortfall > 0 else {
            if answer.bottleneck != nil { wrong.append("a bottleneck for a cohort that fits") }
            if answer.extraSlots != 0 { wrong.append("extra slots for a cohort that fits") }
            return wrong
        }
        guard let cut = answer.bottleneck else { return wrong + ["no bottleneck for a shortfall of \(shortfall)"] }
        return wrong + bottleneckViolations(cut, answer: answer, certificate: certificate, problem: problem)
    }

    /// The (group, block) slot edges from the source side to the rest.
    static func crossingCells(_ certificate: FlowCertificate, _ problem: CohortProblem) -> Set<GroupBlock> {
        let type = Cohort(problem)
        let inside = Set(certificate.sourceBlocks)
        var cells: Set<GroupBlock> = []
        for g in problem.groups.indices {
            for b in problem.blocks.indices where !inside.contains(b) {
                let half = problem.blocks[b].isHalf
                if type.need.need(g, half: half) > 0, half ? certificate.sourceHalf[g] : certificate.sourceWhole[g] {
                    cells.insert(GroupBlock(group: g, block: b))
                }
            }
        }
        return cells
    }

    private static func bottleneckViolations(_ cut: Bottleneck, answer: CohortAnswer, certificate: FlowCertificate,
                                             problem: CohortProblem) -> [String] {
        let type = Cohort(problem)
        var wrong: [String] = []
        let shortfall = type.demand - certificate.value
        if cut.shortfall != shortfall { wrong.append("the bottleneck's shortfall is \(cut.shortfall), the certificate's \(shortfall)") }
        if cut.busyBlocks != certificate.sourceBlocks { wrong.append("busy blocks \(cut.busyBlocks), the cut's \(certificate.sourceBlocks)") }
        if Set(cut.fullCells) != crossingCells(certificate, problem) { wrong.append("full cells are not the cut's slot edges") }
        let groups = problem.groups.indices.filter {
            (certificate.sourceWhole[$0] && type.need.wholeBlocks[$0] > 0) || (certificate.sourceHalf[$0] && type.need.halfBlocks[$0] > 0)
        }
        if cut.groups != groups { wrong.append("groups \(cut.groups), the cut's \(groups)") }
        for cell in cut.fullCells where certificate.flow[cell.group][cell.block] != problem.slots[cell.group][cell.block] {
            wrong.append("\(problem.groups[cell.group]) in block \(problem.blocks[cell.block].label) is called full with "
                + "\(certificate.flow[cell.group][cell.block]) of \(problem.slots[cell.group][cell.block]) slots taken")
        }
        let through = cut.fullCells.reduce(0) { $0 + problem.slots[$1.group][$1.block] } + cut.busyBlocks.count * type.students
        if cut.capacity != through { wrong.append("the bottleneck's capacity is \(cut.capacity); its cells and blocks hold \(through)") }
        if cut.demand - cut.capacity != shortfall { wrong.append("demand \(cut.demand) − capacity \(cut.capacity) is not the shortfall \(shortfall)") }
        if answer.calendarShortfall == nil, answer.extraSlots != shortfall {
            wrong.append("\(answer.extraSlots) extra slots for a shortfall of \(shortfall)")
        }
        return wrong
    }

    /// Everything at once: the schedule (with its extra slots), the certificate and the answer.
    static func violations(_ answer: CohortAnswer, _ problem: CohortProblem) -> [String] {
        guard let certificate = CohortFlow.certificate(problem) else { return ["no certificate"] }
        return scheduleViolations(answer, problem) + certificateViolations(certificate, problem)
            + answerViolations(answer, certificate, problem) + timetableViolations(answer.placed, problem)
    }
}
