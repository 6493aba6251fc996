using System.Net;
using System.Net.Sockets;

namespace Polycloud.Google.Tests.Queues;

/// <summary>
/// A loopback TCP relay in front of a server, as a proxy may be: when the client abandons its connection (.NET resets
/// the connection of a cancelled request), the relay closes its own connection to the server in the orderly way (FIN).
/// The Pub/Sub emulator notices a reset at once and drops the held pull, but after an orderly close it keeps the pull
/// and writes the next messages into the closed connection, where they stay leased until the ack deadline: the case
/// where an abandoned pull strands messages.
/// </summary>
internal sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public TcpRelay(Uri target)
    {
        _target = target;
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    /// <summary>The relay's address, to use instead of the target's.</summary>
    public Uri Endpoint { get; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Factory.StartNew(() => Relay(client), TaskCreationOptions.LongRunning);
        }
    }

    // Synchronous polling on one thread: no socket operation is pending when a socket is closed, so .NET closes it in
    // the orderly way (it resets a socket closed with an operation in flight).
    private void Relay(Socket client)
    {
        var buffer = new byte[16 * 1024];
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using (client)
        {
            try
            {
                server.Connect(_target.Host, _target.Port);
                while (!_stop.IsCancellationRequested)
                {
                    if (client.Poll(10_000, SelectMode.SelectRead))
                    {
                        int n = client.Receive(buffer);
                        if (n == 0)
                        {
                            return;
                        }

                        server.Send(buffer, n, SocketFlags.None);
                    }

                    if (server.Poll(10_000, SelectMode.SelectRead))
                    {
                        int n = server.Receive(buffer);
                        if (n == 0)
                        {
                            return;
                        }

                        client.Send(buffer, n, SocketFlags.None);
                    }
                }
            }
            catch (SocketException)
            {
                // Either side went away: both are closed below.
            }
        }
    }
}
