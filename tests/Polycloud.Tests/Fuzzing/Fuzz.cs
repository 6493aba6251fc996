using CsCheck;
using Xunit.Sdk;

namespace Polycloud.Tests.Fuzzing;

/// <summary>
/// Runs a property over generated inputs, reproducibly: case <c>i</c> of a run is generated from the fixed seed plus
/// <c>i</c>, so a failure names the seed and case that reproduce it. Each case has a generous time limit that only turns
/// a hang into a failure.
/// </summary>
internal static class Fuzz
{
    /// <summary>The cases per property in the test suite (set POLYCLOUD_FUZZ_ITERATIONS for a longer run).</summary>
    public static int Iterations { get; } = int.TryParse(Environment.GetEnvironmentVariable("POLYCLOUD_FUZZ_ITERATIONS"), out int n) && n > 0 ? n : 500;

    private static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(30);

    private static long _total;

    /// <summary>All the cases run by this process so far.</summary>
    public static long TotalCases => Interlocked.Read(ref _total);

    public static async Task<int> RunAsync<T>(Gen<T> gen, Func<T, Task> property, ulong seed, int? iterations = null)
    {
        int count = iterations ?? Iterations;
        for (int i = 0; i < count; i++)
        {
            var value = gen.Generate(new PCG(1, seed + (ulong)i), null, out _);
            var task = Task.Run(() => property(value));
            try
            {
                await task.WaitAsync(CaseLimit);
            }
            catch (TimeoutException)
            {
                throw new XunitException($"case {i} of seed {seed} did not finish within {CaseLimit}: {Show(value)}");
            }
            catch (Exception ex) when (ex is not XunitException || task.IsFaulted)
            {
                throw new XunitException($"case {i} of seed {seed} failed on {Show(value)}: {ex}");
            }

            Interlocked.Increment(ref _total);
        }

        return count;
    }

    public static Task<int> RunAsync<T>(Gen<T> gen, Action<T> property, ulong seed, int? iterations = null)
        => RunAsync(gen, v => { property(v); return Task.CompletedTask; }, seed, iterations);

    /// <summary>Hostile text: path tricks, encodings, separators, control characters, broken surrogates and plain text.</summary>
    public static Gen<string> HostileText(int maxTokens = 12) =>
        Gen.OneOf(
            Gen.OneOf("..", ".", "/", "\\", "%2e%2e", "%2E%2E", "%2e", "%2f", "%2F", "%5c", "%00", "\0", "\u0001", "\u007f", "~",
                "C:", "C:\\", "//", "///", "\\\\", "..\\", "../", "/..", "%", "%%", "%zz", "?", "#", "&", "=", ":", "@", " ", "\t", "\n",
                "\u2215", "\uff0e\uff0e", "\u202e", "\ud800", "\udc00", "\ud83d\ude00", "é", "CON", "NUL", "aux", ".git", "polycloud-", ";", "'", "\""),
            Gen.String[Gen.Char["abcxyz0129-_.~"], 1, 8])
        .Array[0, maxTokens]
        .Select(parts => string.Concat(parts));

    private static string Show<T>(T value) => value switch
    {
        string s => Escape(s),
        _ => value?.ToString() ?? "null",
    };

    internal static string Escape(string s)
    {
        var sb = new System.Text.StringBuilder("\"");
        foreach (char c in s.Length > 400 ? s[..400] + "…" : s)
        {
            sb.Append(c is < ' ' or '\u007f' || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return sb.Append('"').ToString();
    }
}
