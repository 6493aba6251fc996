using System.Text.Json;
using Polycloud.Testing.Conformance.Functions;
using Polycloud.Functions;
using Polycloud.Functions.Local;

namespace Polycloud.Tests.Functions;

/// <summary>The function conformance suite against local in-process functions.</summary>
public sealed class LocalFunctionConformanceTests : FunctionConformanceTests
{
    private readonly PolycloudOpener _opener = new();

    public LocalFunctionConformanceTests()
    {
        AddConformanceFunctions(_opener.LocalFunctions);
    }

    /// <summary>Registers the suite's echo, fail and slow functions.</summary>
    internal static void AddConformanceFunctions(LocalFunctionRegistry registry)
    {
        registry.Add("echo", static (payload, _) => ValueTask.FromResult(payload));
        registry.Add("fail", static (payload, _) =>
        {
            var control = JsonSerializer.Deserialize(payload.ToMemory().Span, ConformanceJsonContext.Default.ControlMessage);
            throw new InvalidOperationException(control?.Message ?? "function failed on purpose");
        });
        registry.Add("slow", static async (payload, context) =>
        {
            var control = JsonSerializer.Deserialize(payload.ToMemory().Span, ConformanceJsonContext.Default.ControlMessage);
            int ms = control?.Ms ?? 5000;
            await Task.Delay(ms, context.CancellationToken);
            return BinaryData.FromString($"{{\"slept\":{ms}}}");
        });
    }

    protected override CloudFunction Open(ConformanceFunction which) => which switch
    {
        ConformanceFunction.Echo => _opener.OpenFunction("local://echo?maxPayloadBytes=6291456"),
        ConformanceFunction.Fail => _opener.OpenFunction("local://fail"),
        ConformanceFunction.Slow => _opener.OpenFunction("local://slow"),
        _ => _opener.OpenFunction("local://missing-" + Guid.NewGuid().ToString("N")),
    };
}
