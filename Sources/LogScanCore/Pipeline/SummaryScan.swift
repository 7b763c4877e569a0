/// The summary's scan: every input counted into one merged `SummaryShard`.
package struct SummaryResult: Sendable {
  package var shard: SummaryShard
  package var inputs: [InputInfo]
  /// Malformed-line examples, with line numbers of their input.
  package var examples: [MalformedExample]

  /// The rules evaluated over the merged buckets, when the scan had rules.
  package var evaluation: RuleEvaluation?
  package var rulePlan: RulePlan?
  /// How requests were correlated, when they were.
  package var correlation: CorrelationSettings?

  package var errors: [ReaderError] { inputs.compactMap(\.error) }

  package init(shard: SummaryShard, inputs: [InputInfo], examples: [MalformedExample]) {
    self.shard = shard
    self.inputs = inputs
    self.examples = examples
  }
}

extension SummarySink: ScanSink {
  package consuming func finish() -> SummaryShard {
    flushFormatTally()
    flushEdge()
    flushRequests()
    return finishedShard()
  }
}

package enum SummaryScan {
  package static func run(_ plan: InputPlan, options: ScanOptions) -> SummaryResult {
    let formats = options.formats
    let limits = options.limits
    let audit = options.audit
    let redactor = options.redactor
    let rules = options.rules
    let timeline = options.timeline
    let joiner = options.correlation.map { settings in
      SeamJoiner(
        settings: settings, limits: limits, units: plan.units.count,
        skipped: Set(plan.units.indices.filter { plan.inputs[plan.units[$0].input].error != nil }))
    }
    let workers = max(1, min(options.jobs, plan.units.count))
    let correlation = joiner.map { (options.correlation!, $0, workers) }
    let outcome = ScanPipeline.run(plan, options: options) {
      SummarySink(
        formats: formats, limits: limits, redactor: redactor, audit: audit, rules: rules, correlation: correlation,
        timeline: timeline)
    }
    var shard = outcome.outputs.first ?? SummaryShard(limits: limits)
    for output in outcome.outputs.dropFirst() { shard.merge(output) }
    var result = finish(
      shard, joiner: joiner, inputs: outcome.inputs, options: options,
      lineInInput: { outcome.lineInInput(unit: $0, line: $1) })
    if let stats = result.shard.correlation, stats.samePeriodInputs.count > 1,
      var followed = followAcrossInputs(result.inputs, options: options)
    {
      followed.samePeriodInputs = stats.samePeriodInputs
      followed.followedAcrossInputs = true
      result.shard.correlation = followed
    }
    return result
  }

  /// Requests followed across every input at once, the inputs' lines merged
  /// by event time (`TimeMergedSource`), on one thread: what the summary
  /// does when some inputs cover the same period (one file per service),
  /// whose parts of a request its per-input joining cannot meet. Nil when
  /// an input cannot be read again (standard input, a pipe) or fails.
  static func followAcrossInputs(_ inputs: [InputInfo], options: ScanOptions) -> CorrelationStats? {
    guard let settings = options.correlation else { return nil }
    let readable = inputs.filter { $0.error == nil }
    guard readable.allSatisfy({ $0.size != nil && !$0.isStandardInput }) else { return nil }
    do throws(ReaderError) {
      var sources: [any ByteSource] = []
      for input in readable {
        sources.append(input.format.decoding(try FileSource(path: input.name), name: input.name))
      }
      let merged = try TimeMergedSource(
        sources: sources, formats: options.formats, maxLineBytes: options.maxLineBytes)
      let joiner = SeamJoiner(settings: settings, limits: options.limits, units: 1)
      var sink = SummarySink(
        formats: options.formats, limits: options.limits, redactor: options.redactor,
        correlation: (settings, joiner, 1))
      sink.begin(input: 0, unit: 0)
      var splitter = LineSplitter(
        maxLineBytes: options.maxLineBytes, unwrapsContainerLines: options.unwrapsContainerLines)
      let reader = DirectChunkReader(source: merged, chunkSize: options.chunkSize, progress: nil)
      while let chunk = try reader.nextChunk() { splitter.feed(chunk, into: &sink) }
      splitter.finish(into: &sink)
      var stats = sink.finish().correlation ?? CorrelationStats()
      stats.merge(joiner.finish())
      return stats
    } catch {
      return nil
    }
  }

  /// The result of a merged shard: requests joined across units, line
  /// numbers of their inputs, formats by input, and the rules evaluated.
  package static func finish(
    _ merged: SummaryShard, joiner: SeamJoiner?, inputs: [InputInfo], options: ScanOptions,
    lineInInput: (_ unit: Int, _ line: Int) -> Int
  ) -> SummaryResult {
    var shard = merged
    let limits = options.limits
    let formats = options.formats
    let rules = options.rules
    if let joiner {
      let joined = joiner.finish()
      if shard.correlation == nil { shard.correlation = joined } else { shard.correlation!.merge(joined) }
    }
    var examples = shard.examples.map { example in
      var fixed = example
      fixed.line = lineInInput(example.unit, example.line)
      return fixed
    }
    examples.sort { ($0.input, $0.line) < ($1.input, $1.line) }
    examples = Array(examples.prefix(limits.maxExamples))
    for (key, entry) in shard.audit.entries {
      shard.audit.entries[key]!.first.line = lineInInput(entry.first.unit, entry.first.line)
    }
    var inputs = inputs
    for (input, counts) in shard.formatCounts.enumerated() where input < inputs.count {
      inputs[input].logFormats = counts.enumerated().filter { $0.element > 0 }
        .map { (formats.names[$0.offset], $0.element) }
        .sorted { $0.lines != $1.lines ? $0.lines > $1.lines : $0.name < $1.name }
    }
    var result = SummaryResult(shard: shard, inputs: inputs, examples: examples)
    result.correlation = options.correlation
    if let rules, var ruleShard = shard.rules {
      ruleShard.settleLateness(allowance: rules.lateness)
      result.shard.rules = ruleShard
      result.rulePlan = rules
      result.evaluation = RuleEvaluator.evaluate(rules, ruleShard)
    }
    return result
  }
}
