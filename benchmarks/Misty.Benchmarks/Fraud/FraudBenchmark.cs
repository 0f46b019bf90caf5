using System.Globalization;
using System.Text;
using Misty.Grains.Orders.Fraud;

namespace Misty.Benchmarks.Fraud;

/// <summary>
/// Precision and recall of <see cref="FraudModel"/> at its threshold on a seeded dataset with injected fraud, next to a
/// baseline that flags on the order amount alone: at the amount that flags as many payments as the model does, and at
/// the amount with the best F1 (chosen with the labels, so it flatters the baseline).
/// </summary>
internal static class FraudBenchmark
{
    private const int Seed = 20260601;
    private const int LegitPayments = 20_000;
    private const int FraudPayments = 400;

    public static int Run(string[] args)
    {
        var markdown = args.Length == 2 && args[0] == "--markdown" ? args[1] : null;
        if (args.Length > 0 && markdown is null)
        {
            Console.Error.WriteLine("usage: fraud [--markdown <file>]");
            return 2;
        }

        var machine = BenchmarkReport.Machine();
        var payments = new FraudDataset(Seed).Generate(LegitPayments, FraudPayments);
        var model = new FraudModel();
        var scores = payments.Select(payment => model.Assess(payment.Input).Score).ToList();
        var labels = payments.Select(payment => payment.Fraud).ToList();

        var modelFlags = scores.Select(score => score >= model.Threshold).ToList();
        var flagged = modelFlags.Count(flag => flag);
        var byAmount = payments.Select(payment => payment.Input.Amount).OrderDescending().ToList();
        var sameRateAmount = byAmount[Math.Max(flagged - 1, 0)];
        var sameRateFlags = payments.Select(payment => payment.Input.Amount >= sameRateAmount).ToList();
        var (bestAmount, bestFlags) = BestAmountThreshold(payments, byAmount.Distinct().ToList());

        var invariant = CultureInfo.InvariantCulture;
        var report = new StringBuilder();
        report.AppendLine(invariant, $"Measured {machine} with");
        report.AppendLine();
        report.AppendLine(invariant, $"    {BenchmarkReport.Command("fraud", args)}");
        report.AppendLine();
        report.Append(invariant,
            $"Dataset (benchmarks/Misty.Benchmarks/Fraud/FraudDataset.cs, seed {Seed}): {LegitPayments:N0} legitimate payments and {FraudPayments} fraudulent ones ({100.0 * FraudPayments / payments.Count:0.0}%), ");
        report.AppendLine(
            "each with the customer history it is scored against. Legitimate traffic includes what trips " +
            "naive rules: collectors' splurges (3% at 3-8x their usual), newcomers buying $150-600 (6%), gifts shipped elsewhere (12%), rare records " +
            "(9%), a second order the same day, a declined card; cash and bank transfers in store, by phone and for corporate accounts. Fraud is " +
            "injected in four patterns: new accounts with a $250-900 basket of rare, high-value records mostly shipped elsewhere (35%); card-testing " +
            "bursts of small online orders with many attempts and failures (30%); account takeovers spending 4-12x the usual, mostly to another " +
            "address (25%); and stealthy use of a stolen account (10%: an ordinary amount to the customer's own address, which no signal of the model " +
            "can see). The patterns were written knowing the model's signals, so these figures show that the signals work together as intended, " +
            "not how the model would fare on real fraud.");
        report.AppendLine();
        report.AppendLine("| rule | flags | precision | recall | F1 | legit flagged |");
        report.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        report.AppendLine(Row($"fraud model, score >= {model.Threshold} (the default threshold)", modelFlags, labels));
        report.AppendLine(Row(string.Create(invariant, $"amount >= {sameRateAmount:0.00} (as many flags as the model)"), sameRateFlags, labels));
        report.AppendLine(Row(string.Create(invariant, $"amount >= {bestAmount:0.00} (best F1 on amount, tuned with the labels)"), bestFlags, labels));
        report.AppendLine();
        report.AppendLine("Recall per injected pattern:");
        report.AppendLine();
        report.AppendLine(invariant, $"| pattern | payments | model | amount, same flag count | amount, best F1 |");
        report.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var pattern in new[] { FraudDataset.NewAccountRareBasket, FraudDataset.CardTesting, FraudDataset.AccountTakeover, FraudDataset.Stealthy })
        {
            var members = Enumerable.Range(0, payments.Count).Where(i => payments[i].Pattern == pattern).ToList();
            string Recall(List<bool> flags) => Percent(members.Count(i => flags[i]), members.Count);
            report.AppendLine(invariant, $"| {pattern} | {members.Count} | {Recall(modelFlags)} | {Recall(sameRateFlags)} | {Recall(bestFlags)} |");
        }

        report.AppendLine();
        report.AppendLine("The model's trade-off at other thresholds (Misty:Orders:FraudThreshold):");
        report.AppendLine();
        report.AppendLine("| rule | flags | precision | recall | F1 | legit flagged |");
        report.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var threshold in new[] { 40, 50, 60, 70, 80 })
        {
            report.AppendLine(Row($"score >= {threshold}", [.. scores.Select(score => score >= threshold)], labels));
        }

        var text = report.ToString();
        Console.Write(text);
        if (markdown is not null)
        {
            BenchmarkReport.WriteSection(markdown, "## Fraud scoring", text);
            Console.Error.WriteLine($"wrote the \"## Fraud scoring\" section of {markdown}");
        }

        return 0;
    }

    /// <summary>The amount threshold with the best F1: flagging everything at or above each distinct amount in turn.</summary>
    private static (decimal Amount, List<bool> Flags) BestAmountThreshold(List<LabeledPayment> payments, List<decimal> amountsDescending)
    {
        var fraudTotal = payments.Count(payment => payment.Fraud);
        var byAmount = payments.GroupBy(payment => payment.Input.Amount).ToDictionary(group => group.Key, group => (All: group.Count(), Fraud: group.Count(p => p.Fraud)));
        var (flagged, caught, bestF1, best) = (0, 0, -1.0, amountsDescending[0]);
        foreach (var amount in amountsDescending)
        {
            flagged += byAmount[amount].All;
            caught += byAmount[amount].Fraud;
            var f1 = 2.0 * caught / (flagged + fraudTotal);
            if (f1 > bestF1)
            {
                (bestF1, best) = (f1, amount);
            }
        }

        return (best, [.. payments.Select(payment => payment.Input.Amount >= best)]);
    }

    private static string Row(string rule, List<bool> flags, List<bool> labels)
    {
        var truePositives = flags.Zip(labels).Count(pair => pair.First && pair.Second);
        var flagged = flags.Count(flag => flag);
        var fraud = labels.Count(label => label);
        var precision = flagged == 0 ? 0 : (double)truePositives / flagged;
        var recall = (double)truePositives / fraud;
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return string.Create(CultureInfo.InvariantCulture,
            $"| {rule} | {flagged:N0} | {precision:0.000} | {recall:0.000} | {f1:0.000} | {Percent(flagged - truePositives, labels.Count - fraud)} |");
    }

    private static string Percent(int part, int whole) => string.Create(CultureInfo.InvariantCulture, $"{100.0 * part / whole:0.0}%");
}
