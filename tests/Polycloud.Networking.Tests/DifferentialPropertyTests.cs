using CsCheck;
using Polycloud.Networking;
using Polycloud.Networking.Aws;
using Polycloud.Networking.Azure;
using Polycloud.Networking.Google;

namespace Polycloud.Networking.Tests;

/// <summary>
/// For random policies and flows: the portable verdict equals each provider evaluator's verdict on the translated
/// rules (where the translation succeeded), and importing the translation gives back an equivalent policy.
/// </summary>
public sealed class DifferentialPropertyTests
{
    private const int Iterations = 400;

    private static readonly Gen<(NetworkPolicy Policy, Flow[] Flows)> Everything = Case(PolicyShape.Everything);

    private static Gen<(NetworkPolicy, Flow[])> Case(PolicyShape shape) => Gen.Select(PolicyGenerators.Policy(shape), PolicyGenerators.Flow.Array[8, 8]);

    public static TheoryData<string> Providers => new() { "aws-sg", "aws-nacl", "azure-nsg", "gcp-firewall" };

    private static (INetworkPolicyTranslator Translator, PolicyShape Shape) Setup(string provider) => provider switch
    {
        "aws-sg" => (new AwsSecurityGroupTranslator(), PolicyShape.SecurityGroup),
        "aws-nacl" => (new AwsNetworkAclTranslator(new AwsNetworkAclTranslationOptions { AddReturnTrafficEntries = false }), PolicyShape.NetworkAcl),
        "azure-nsg" => (new AzureNsgTranslator(), PolicyShape.Nsg),
        _ => (new GcpFirewallTranslator(), PolicyShape.Gcp),
    };

    private static FlowVerdict Verdict(IReadOnlyList<HopVerdict> hops) => hops.All(h => h.Verdict == FlowVerdict.Allowed) ? FlowVerdict.Allowed : FlowVerdict.Denied;

    private static FlowVerdict RequestVerdict(IReadOnlyList<HopVerdict> hops) => Verdict(hops.Where(h => !h.IsReturnTraffic).ToList());

    [Theory]
    [MemberData(nameof(Providers))]
    public void Translated_rules_give_the_portable_verdict(string provider)
    {
        var (translator, shape) = Setup(provider);
        var succeeded = 0;
        var allowedSeen = 0;
        var deniedSeen = 0;
        Case(shape).Sample(sample =>
        {
            var (policy, flows) = sample;
            var translation = translator.Translate(policy);
            if (!translation.Succeeded)
            {
                Assert.Contains(translation.Issues, i => i.Severity == IssueSeverity.Error && i.RulePath.Length > 0);
                return;
            }

            Interlocked.Increment(ref succeeded);
            var portable = new PortablePolicyEvaluator(policy);
            var native = translator.CreateEvaluator(translation.Json);
            foreach (var flow in flows)
            {
                var expected = Verdict(portable.Evaluate(flow));
                var actual = RequestVerdict(native.Evaluate(flow));
                Interlocked.Increment(ref expected == FlowVerdict.Allowed ? ref allowedSeen : ref deniedSeen);
                if (expected != actual)
                {
                    Assert.Fail($"{provider} disagrees with the portable model.\nPolicy:\n{NetworkPolicyDocument.ToYaml(policy)}\nPortable:\n{portable.Explain(flow)}\nNative:\n{NetworkExplainer.Explain(flow, native)}\nJSON:\n{translation.Json}");
                }
            }
        }, iter: Iterations, threads: 1);

        Assert.True(succeeded > Iterations / 3, $"only {succeeded} of {Iterations} generated policies translated; the generator no longer fits {provider}.");
        Assert.True(allowedSeen > 50 && deniedSeen > 50, $"verdicts were not varied enough: {allowedSeen} allowed, {deniedSeen} denied.");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Importing_a_translation_gives_back_an_equivalent_policy(string provider)
    {
        var (translator, shape) = Setup(provider);
        Case(shape).Sample(sample =>
        {
            var (policy, flows) = sample;
            var translation = translator.Translate(policy);
            if (!translation.Succeeded)
            {
                return;
            }

            var imported = translator.Import(translation.Json);
            Assert.True(imported.IsExact, string.Join(Environment.NewLine, imported.Issues));
            var original = new PortablePolicyEvaluator(policy);
            var roundTripped = new PortablePolicyEvaluator(imported.Policy);
            foreach (var flow in flows)
            {
                var expected = Verdict(original.Evaluate(flow));
                var actual = Verdict(roundTripped.Evaluate(flow));
                if (expected != actual)
                {
                    Assert.Fail($"{provider} import is not equivalent.\nOriginal:\n{NetworkPolicyDocument.ToYaml(policy)}\nImported:\n{NetworkPolicyDocument.ToYaml(imported.Policy)}\n{original.Explain(flow)}\n{roundTripped.Explain(flow)}");
                }
            }
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void Network_acl_return_entries_let_the_replies_of_allowed_flows_through()
    {
        var translator = new AwsNetworkAclTranslator();
        var checkedFlows = 0;
        Case(PolicyShape.NetworkAcl).Sample(sample =>
        {
            var (policy, flows) = sample;
            var translation = translator.Translate(policy);
            if (!translation.Succeeded || translation.Issues.Any(i => i.Message.Contains("can be blocked", StringComparison.Ordinal)))
            {
                return;
            }

            var portable = new PortablePolicyEvaluator(policy);
            var native = translator.CreateEvaluator(translation.Json);
            foreach (var flow in flows)
            {
                if (Verdict(portable.Evaluate(flow)) == FlowVerdict.Allowed)
                {
                    Interlocked.Increment(ref checkedFlows);
                    var explanation = NetworkExplainer.Explain(flow, native);
                    Assert.True(explanation.Verdict == FlowVerdict.Allowed, $"{explanation}\n{translation.Json}");
                }
            }
        }, iter: Iterations * 3, threads: 1);

        // Random policies allow few of their random flows (one seed gave only 92 allowed flows over 400 policies):
        // three times the usual number of policies keeps the floor below from failing on an unlucky seed.
        Assert.True(checkedFlows > 100, $"only {checkedFlows} allowed flows were checked.");
    }

    [Fact]
    public void Document_round_trip_keeps_every_verdict()
    {
        Everything.Sample(sample =>
        {
            var (policy, flows) = sample;
            var fromJson = NetworkPolicyDocument.FromJson(NetworkPolicyDocument.ToJson(policy));
            var fromYaml = NetworkPolicyDocument.FromYaml(NetworkPolicyDocument.ToYaml(policy));
            var evaluator = new PortablePolicyEvaluator(policy);
            foreach (var copy in new[] { fromJson, fromYaml })
            {
                Assert.Equal(policy.Rules.Count, copy.Rules.Count);
                for (var i = 0; i < policy.Rules.Count; i++)
                {
                    Assert.True(policy.Rules[i].HasSameEffectAs(copy.Rules[i]), $"{policy.Rules[i].Describe()} != {copy.Rules[i].Describe()}");
                }

                var copyEvaluator = new PortablePolicyEvaluator(copy);
                foreach (var flow in flows)
                {
                    Assert.Equal(Verdict(evaluator.Evaluate(flow)), Verdict(copyEvaluator.Evaluate(flow)));
                }
            }
        }, iter: 200, threads: 1);
    }

    [Fact]
    public void Every_provider_either_translates_exactly_or_names_the_rule_it_cannot_express()
    {
        var translators = new INetworkPolicyTranslator[] { new AwsSecurityGroupTranslator(), new AwsNetworkAclTranslator(new AwsNetworkAclTranslationOptions { AddReturnTrafficEntries = false }), new AzureNsgTranslator(), new GcpFirewallTranslator() };
        Everything.Sample(sample =>
        {
            var (policy, flows) = sample;
            foreach (var translator in translators)
            {
                var translation = translator.Translate(policy);
                foreach (var issue in translation.Issues.Where(i => i.Severity == IssueSeverity.Error))
                {
                    Assert.True(issue.RulePath.StartsWith("rules[", StringComparison.Ordinal) || issue.RulePath.StartsWith('('), issue.ToString());
                }

                if (translation.Succeeded)
                {
                    var portable = new PortablePolicyEvaluator(policy);
                    var native = translator.CreateEvaluator(translation.Json);
                    foreach (var flow in flows)
                    {
                        Assert.Equal(Verdict(portable.Evaluate(flow)), RequestVerdict(native.Evaluate(flow)));
                    }
                }
            }
        }, iter: 300, threads: 1);
    }
}
