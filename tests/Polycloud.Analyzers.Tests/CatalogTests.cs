using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Polycloud.Analyzers.Tests;

/// <summary>Every entry of the native-to-portable table must name something that exists in the real SDK packages.</summary>
public class CatalogTests
{
    private static readonly CSharpCompilation Sdks = CSharpCompilation.Create(
        "CatalogCheck",
        references: TestReferences.Framework.AddRange(TestReferences.CloudSdks));

    public static TheoryData<string> ClientTypes()
        => [.. NativeApiCatalog.Clients.SelectMany(c => c.TypeNames).Distinct()];

    public static TheoryData<string, string> ClientMembers()
    {
        var data = new TheoryData<string, string>();
        foreach (var client in NativeApiCatalog.Clients)
        {
            foreach (var member in client.Members)
            {
                data.Add(string.Join(",", client.TypeNames), member.Key);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ClientTypes))]
    public void Every_client_type_resolves(string metadataName)
    {
        var type = Sdks.GetTypeByMetadataName(metadataName);
        Assert.NotNull(type);
        Assert.NotEqual(TypeKind.Error, type.TypeKind);
    }

    [Theory]
    [MemberData(nameof(ClientMembers))]
    public void Every_mapped_member_is_declared_by_one_of_its_client_types(string typeNames, string member)
    {
        var declared = typeNames.Split(',')
            .Select(Sdks.GetTypeByMetadataName)
            .Where(t => t is not null)
            .Any(t => t!.GetMembers(member).Length > 0);
        Assert.True(declared, $"None of [{typeNames}] declares '{member}'.");
    }

    [Fact]
    public void Every_client_type_is_in_a_catalogued_service_namespace_with_the_same_portable_type()
    {
        foreach (var client in NativeApiCatalog.Clients)
        {
            foreach (var typeName in client.TypeNames)
            {
                var ns = typeName[..typeName.LastIndexOf('.')];
                var service = NativeApiCatalog.Services
                    .Where(s => ns == s.Name || ns.StartsWith(s.Name + ".", StringComparison.Ordinal))
                    .OrderByDescending(s => s.Name.Length)
                    .First();
                Assert.Equal(client.PortableType, service.Portable);
            }
        }
    }

    [Theory]
    [InlineData("Amazon.S3")]
    [InlineData("Amazon.SQS")]
    [InlineData("Amazon.Runtime")]
    [InlineData("Amazon.Util")]
    [InlineData("Amazon.Extensions.NETCore.Setup")]
    [InlineData("Azure")]
    [InlineData("Azure.Core")]
    [InlineData("Azure.Storage")]
    [InlineData("Azure.Storage.Blobs")]
    [InlineData("Azure.Storage.Queues")]
    [InlineData("Microsoft.Extensions.Azure")]
    [InlineData("Google.Cloud.Storage")]
    [InlineData("Google.Apis")]
    [InlineData("Google.Apis.Storage")]
    [InlineData("Google.Apis.Auth")]
    [InlineData("Google.Api.Gax")]
    public void Service_namespaces_of_the_referenced_sdks_exist(string ns)
    {
        Assert.Contains(NativeApiCatalog.Services, s => s.Name == ns);
        var current = Sdks.GlobalNamespace;
        foreach (var part in ns.Split('.'))
        {
            current = current.GetNamespaceMembers().FirstOrDefault(n => n.Name == part);
            Assert.NotNull(current);
        }
    }

    public static TheoryData<string> ProviderOnlyTypes() => [.. NativeApiCatalog.ProviderOnlyTypes];

    [Theory]
    [MemberData(nameof(ProviderOnlyTypes))]
    public void Every_provider_only_type_resolves(string metadataName)
        => Assert.NotNull(Sdks.GetTypeByMetadataName(metadataName));

    [Fact]
    public void Loose_types_resolve()
    {
        foreach (var entry in NativeApiCatalog.LooseTypes)
        {
            Assert.NotNull(Sdks.GetTypeByMetadataName(entry.Name));
        }
    }

    [Fact]
    public void Error_code_tables_only_name_real_CloudErrorCode_members()
    {
        var names = Enum.GetNames<CloudErrorCode>();
        foreach (var code in NativeApiCatalog.HttpStatusToErrorCode.Select(p => p.Value).Concat(NativeApiCatalog.NativeErrorCodeToErrorCode.Select(p => p.Value)))
        {
            Assert.Contains(code, names);
        }
    }
}
