using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Jaula.Conformance.Tests.Engines.Cri.V1;

namespace Jaula.Conformance.Tests.Engines.Cri;

/// <summary>
/// The tests' CRI v1 client, as a kubelet holds one: gRPC (HTTP/2 without TLS) over containerd's unix socket, with the
/// RuntimeService stubs generated from <c>runtime_v1_subset.proto</c>. Every call gets a deadline, so a wedged daemon
/// fails the test instead of hanging it.
/// </summary>
public sealed class CriClient : IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(90);

    private readonly GrpcChannel _channel;

    public CriClient(string socketPath)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancel) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancel).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        // The authority is not used to connect (the callback above does), only sent as :authority.
        _channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
        Runtime = new RuntimeService.RuntimeServiceClient(_channel);
    }

    public RuntimeService.RuntimeServiceClient Runtime { get; }

    /// <summary>Call options with the tests' deadline.</summary>
    public static CallOptions Deadline(TimeSpan? timeout = null) => new(deadline: DateTime.UtcNow + (timeout ?? CallTimeout));

    public void Dispose() => _channel.Dispose();
}
