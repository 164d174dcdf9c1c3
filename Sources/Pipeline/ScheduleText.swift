import Scheduling

/// The one line `plan --schedule` prints on standard error beside the table it writes: the
/// answer as a coordinator would say it, so that a CSV on standard output is never the only word.
public enum ScheduleText {
    public static func summaryLine(_ plan: SchedulePlan) -> String {
        let answer = plan.answer
        var parts: [String] = []
        if let range = plan.range {
            parts.append(plan.largestFitting.map { "of \(range.lowerBound)..\(range.upperBound) students, at most \($0) fit" }
                         ?? "not even \(range.lowerBound) students fit")
        }
        let who: String
        switch plan.cohort {
        case .count(let count): who = "\(count) students"
        case .progress(let run, let students, let types, let without):
            who = "\(students - without) students of run \(run) (\(types) kinds of remaining demand; \(without) with nothing left)"
        }
        switch answer.feasible {
        case true?:
            parts.append("\(who) fit \(plan.year) (\(answer.method.rawValue))")
        case false?:
            if let calendar = answer.calendarShortfall {
                parts.append("\(who) do not fit \(plan.year): \(calendar)")
            } else if answer.method == .linearBound {
                parts.append("\(who) do not fit \(plan.year): a lower bound proves at least \(answer.extraLowerBound ?? 0) extra "
                             + "slot-blocks are needed; the schedule shown uses \(answer.extraSlots) (not proven the smallest)")
            } else {
                let short = answer.bottleneck.map { ", short by \($0.shortfall) student-blocks" } ?? ""
                parts.append("\(who) do not fit \(plan.year) (\(answer.method.rawValue))\(short); the smallest fix is "
                             + "\(answer.extraSlots) extra slot-blocks")
            }
        case nil:
            parts.append("\(who): not decided (the integer programme stopped at its time limit, or has more types than the "
                         + "solver takes); the lower bound is \(answer.extraLowerBound ?? 0) extra slot-blocks, the schedule shown "
                         + "uses \(answer.extraSlots)")
        }
        let rounded = plan.requirements.filter(\.roundedUp).map { "\($0.group) \($0.weeks) weeks as \($0.weeksInBlocks)" }
        if !rounded.isEmpty { parts.append("rounded up to blocks: " + rounded.joined(separator: ", ")) }
        return "plan: " + parts.joined(separator: "; ")
    }
}
