using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Polycloud.FaultProxy;

/// <summary>
/// A loopback HTTP/1.1 proxy on an ephemeral port that forwards each request to one upstream server (an emulator) and
/// puts faults on some of them as a <see cref="FaultProfile"/> says. A request is forwarded at most once: the proxy never
/// retries and never duplicates. It counts requests, requests forwarded, and faults by kind.
/// </summary>
public sealed class FaultInjectingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _upstream;
    private readonly ErrorDialect _dialect;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly Lock _gate = new();
    private readonly Task _accepting;
    private FaultProfile? _profile;
    private Random? _random;
    private long _requests;
    private long _forwarded;
    private long _retries;
    private readonly ConcurrentDictionary<string, byte> _faulted = new();
    private readonly ConcurrentDictionary<FaultKind, long> _faults = new();

    /// <summary>Starts a proxy on 127.0.0.1 and an ephemeral port in front of <paramref name="upstream"/>.</summary>
    public FaultInjectingProxy(Uri upstream, ErrorDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        _upstream = new IPEndPoint(IPAddress.Parse(upstream.Host == "localhost" ? "127.0.0.1" : upstream.Host), upstream.Port);
        _dialect = dialect;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptLoopAsync();
    }

    /// <summary>The proxy's port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The proxy's base URI, <c>http://127.0.0.1:{port}</c>, with <paramref name="path"/> appended.</summary>
    public Uri Uri(string path = "/") => new($"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}{path}");

    /// <summary>Requests received.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests sent on to the server (each at most once).</summary>
    public long Forwarded => Interlocked.Read(ref _forwarded);

    /// <summary>Requests that repeated (same method, target and body) one that got a fault: the client's retries.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Faults put on requests, by kind.</summary>
    public IReadOnlyDictionary<FaultKind, long> Faults => _faults.Where(f => f.Value > 0).ToDictionary(f => f.Key, f => f.Value);

    /// <summary>All faults put on requests.</summary>
    public long FaultCount => _faults.Values.Sum();

    /// <summary>Sets the profile faults are drawn from (its random sequence starts again); null forwards everything.</summary>
    public void SetProfile(FaultProfile? profile)
    {
        lock (_gate)
        {
            _profile = profile;
            _random = profile is null ? null : new Random(profile.Seed);
        }
    }

    /// <summary>Forces the faults of the next requests, in order, whatever the profile says (for single-fault tests).</summary>
    public void Enqueue(params FaultKind[] faults)
    {
        foreach (var fault in faults)
        {
            _forced.Enqueue(fault);
        }
    }

    private readonly ConcurrentQueue<FaultKind> _forced = new();

    private FaultKind Draw()
    {
        if (_forced.TryDequeue(out var forced))
        {
            return forced;
        }

        lock (_gate)
        {
            if (_profile is null || _random is null)
            {
                return FaultKind.None;
            }

            // Two draws per request whatever the outcome, so one request's fault never shifts the next one's.
            double roll = _random.NextDouble();
            int pick = _random.Next(_profile.Weights.Values.Sum());
            if (roll >= _profile.Rate)
            {
                return FaultKind.None;
            }

            foreach (var (kind, weight) in _profile.Weights.OrderBy(w => w.Key))
            {
                if (pick < weight)
                {
                    return kind;
                }

                pick -= weight;
            }

            return FaultKind.None;
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        client.NoDelay = true;
        _open.TryAdd(client, 0);
        Socket? upstream = null;
        try
        {
            var clientIn = new HttpReader(new NetworkStream(client, ownsSocket: false));
            HttpReader? upstreamIn = null;
            while (!_stop.IsCancellationRequested)
            {
                var request = await clientIn.ReadRequestAsync(_stop.Token).ConfigureAwait(false);
                if (request is null)
                {
                    return;
                }

                if (request.ExpectsContinue)
                {
                    await client.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 100 Continue\r\n\r\n"), SocketFlags.None, _stop.Token).ConfigureAwait(false);
                }

                await clientIn.ReadBodyAsync(request, _stop.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _requests);
                string identity = request.Identity();
                if (_faulted.TryRemove(identity, out _))
                {
                    Interlocked.Increment(ref _retries);
                }

                var fault = Draw();
                switch (fault)
                {
                    case FaultKind.ServiceUnavailable or FaultKind.ServiceUnavailableRetryAfter or FaultKind.InternalServerError
                        or FaultKind.TooManyRequests or FaultKind.TooManyRequestsRetryAfter:
                        Count(fault, identity);
                        await client.SendAsync(ErrorAnswers.Build(_dialect, fault, request.Method == "HEAD"), SocketFlags.None, _stop.Token).ConfigureAwait(false);
                        continue;
                    case FaultKind.ResetBeforeForward:
                        Count(fault, identity);
                        Reset(client);
                        return;
                    case FaultKind.Stall:
                        Count(fault, identity);
                        await WaitForCloseAsync(client).ConfigureAwait(false);
                        return;
                }

                if (upstream is null || upstreamIn is null)
                {
                    upstream = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    _open.TryAdd(upstream, 0);
                    await upstream.ConnectAsync(_upstream, _stop.Token).ConfigureAwait(false);
                    upstreamIn = new HttpReader(new NetworkStream(upstream, ownsSocket: false));
                }

                await upstream.SendAsync(request.Serialize(), SocketFlags.None, _stop.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _forwarded);
                var response = await upstreamIn.ReadResponseAsync(request.Method, _stop.Token).ConfigureAwait(false);
                if (response is null)
                {
                    Reset(client);
                    return;
                }

                if (fault == FaultKind.ResetAfterForward)
                {
                    Count(fault, identity);
                    Reset(client);
                    return;
                }

                if (fault == FaultKind.CutBody && response.Body.Length >= 2)
                {
                    Count(fault, identity);
                    await client.SendAsync(response.SerializeHead(), SocketFlags.None, _stop.Token).ConfigureAwait(false);
                    await client.SendAsync(response.Body.AsMemory(0, response.Body.Length / 2), SocketFlags.None, _stop.Token).ConfigureAwait(false);
                    client.Shutdown(SocketShutdown.Both);
                    return;
                }

                await client.SendAsync(response.SerializeHead(), SocketFlags.None, _stop.Token).ConfigureAwait(false);
                await client.SendAsync(response.Body, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (response.Close)
                {
                    client.Shutdown(SocketShutdown.Both);
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidDataException)
        {
            // The client or the server went away; nothing to answer.
        }
        finally
        {
            Close(client);
            if (upstream is not null)
            {
                Close(upstream);
            }
        }
    }

    private async Task WaitForCloseAsync(Socket client)
    {
        var buffer = new byte[256];
        try
        {
            while (await client.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false) > 0)
            {
                // Anything the client sends now is dropped.
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Closed or stopped.
        }
    }

    private void Count(FaultKind fault, string identity)
    {
        _faults.AddOrUpdate(fault, 1, (_, n) => n + 1);
        _faulted[identity] = 0;
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
            // Already closed.
        }

        socket.Close();
    }

    private void Close(Socket socket)
    {
        _open.TryRemove(socket, out _);
        socket.Dispose();
    }

    /// <summary>A one-line summary of the counters.</summary>
    public string Summary()
        => $"requests {Requests}, forwarded {Forwarded}, faults {FaultCount} ({string.Join(", ", Faults.OrderBy(f => f.Key).Select(f => $"{f.Key} {f.Value}"))})";

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        foreach (var socket in _open.Keys)
        {
            socket.Dispose();
        }

        await _accepting.ConfigureAwait(false);
        _stop.Dispose();
    }
}
