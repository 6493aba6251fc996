using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Polycloud.Analyzers
{
    /// <summary>
    /// Finds direct use of AWS, Azure and Google Cloud SDK types and members in application code (PC0001, PC0002),
    /// native client registrations in dependency injection (PC0003) and catches of provider exceptions (PC0004).
    /// </summary>
    /// <remarks>
    /// Built like the .NET SDK analyzers: the catalog is resolved once per compilation into symbol caches, the work is
    /// done in operation and symbol actions, actions run concurrently, and generated code is skipped (mark a file
    /// <c>generated_code = false</c> in <c>.editorconfig</c> to have it analysed).
    /// </remarks>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class NativeCloudApiAnalyzer : DiagnosticAnalyzer
    {
        private const string DependencyInjectionNamespace = "Microsoft.Extensions.DependencyInjection";

        /// <inheritdoc />
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
            Descriptors.NativeApiWithPortableEquivalent,
            Descriptors.ProviderOnlyFeature,
            Descriptors.NativeClientRegistration,
            Descriptors.ProviderExceptionCaught);

        /// <inheritdoc />
        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(OnCompilationStart);
        }

        private static void OnCompilationStart(CompilationStartAnalysisContext context)
        {
            if (!CloudSymbolClassifier.ReferencesCloudSdk(context.Compilation))
            {
                return;
            }

            var state = new State(new CloudSymbolClassifier(context.Compilation), new LockInOptions(context.Options.AnalyzerConfigOptionsProvider));

            context.RegisterOperationAction(state.AnalyzeObjectCreation, OperationKind.ObjectCreation);
            context.RegisterOperationAction(state.AnalyzeInvocation, OperationKind.Invocation);
            context.RegisterOperationAction(
                state.AnalyzeMemberReference,
                OperationKind.PropertyReference,
                OperationKind.FieldReference,
                OperationKind.EventReference,
                OperationKind.MethodReference);
            context.RegisterOperationAction(state.AnalyzeCatchClause, OperationKind.CatchClause);
            context.RegisterSymbolAction(state.AnalyzeNamedType, SymbolKind.NamedType);
            context.RegisterSymbolAction(state.AnalyzeMember, SymbolKind.Field, SymbolKind.Property, SymbolKind.Method);
        }

        private sealed class State
        {
            private readonly CloudSymbolClassifier _classifier;
            private readonly LockInOptions _options;

            public State(CloudSymbolClassifier classifier, LockInOptions options)
            {
                _classifier = classifier;
                _options = options;
            }

            public void AnalyzeObjectCreation(OperationAnalysisContext context)
            {
                var creation = (IObjectCreationOperation)context.Operation;
                if (creation.Type == null)
                {
                    return;
                }

                var api = _classifier.ClassifyType(creation.Type);
                if (api == null || IsAllowed(context))
                {
                    return;
                }

                var location = creation.Syntax is ObjectCreationExpressionSyntax syntax ? syntax.Type.GetLocation() : creation.Syntax.GetLocation();
                Report(context.ReportDiagnostic, location, "new " + creation.Type.Name, api);
            }

            public void AnalyzeInvocation(OperationAnalysisContext context)
            {
                var invocation = (IInvocationOperation)context.Operation;
                var method = invocation.TargetMethod;

                var api = _classifier.ClassifyMember(method);
                if (api == null && method.IsGenericMethod && IsInNamespace(method.ContainingType, DependencyInjectionNamespace, _classifier))
                {
                    // services.AddSingleton<IAmazonS3, AmazonS3Client>() and friends.
                    foreach (var argument in method.TypeArguments)
                    {
                        var typeApi = _classifier.ClassifyTypeDeep(argument);
                        if (typeApi != null)
                        {
                            api = new CloudApi(typeApi.Provider, typeApi.Service, "services.AddPolycloud(configuration)", true);
                            break;
                        }
                    }
                }

                if (api == null || IsAllowed(context))
                {
                    return;
                }

                var location = NameLocation(invocation.Syntax);
                if (api.IsRegistration)
                {
                    context.ReportDiagnostic(Diagnostic.Create(
                        Descriptors.NativeClientRegistration,
                        location,
                        Properties(api, "services.AddPolycloud(configuration)"),
                        DisplayName(method),
                        api.Provider,
                        "services.AddPolycloud(configuration)"));
                    return;
                }

                Report(context.ReportDiagnostic, location, DisplayName(method), api);
            }

            public void AnalyzeMemberReference(OperationAnalysisContext context)
            {
                var reference = (IMemberReferenceOperation)context.Operation;
                var member = reference.Member;
                if (member.ContainingType == null || IsInitializerTarget(reference))
                {
                    return;
                }

                // Reading members of a caught native exception is part of the catch (PC0004), not a separate site.
                if (_classifier.IsException(member.ContainingType) && !(reference is IMethodReferenceOperation))
                {
                    return;
                }

                var api = _classifier.ClassifyMember(member);
                if (api == null || IsAllowed(context))
                {
                    return;
                }

                Report(context.ReportDiagnostic, NameLocation(reference.Syntax), DisplayName(member), api);
            }

            public void AnalyzeCatchClause(OperationAnalysisContext context)
            {
                var catchClause = (ICatchClauseOperation)context.Operation;
                var type = catchClause.ExceptionType;
                if (type == null || type.TypeKind == TypeKind.Error)
                {
                    return;
                }

                var api = _classifier.ClassifyType(type);
                if (api == null || IsAllowed(context))
                {
                    return;
                }

                var location = catchClause.Syntax is CatchClauseSyntax { Declaration: { } declaration }
                    ? declaration.Type.GetLocation()
                    : catchClause.Syntax.GetLocation();
                context.ReportDiagnostic(Diagnostic.Create(
                    Descriptors.ProviderExceptionCaught,
                    location,
                    Properties(api, "Polycloud.CloudException"),
                    type.Name,
                    api.Provider + " " + api.Service));
            }

            public void AnalyzeNamedType(SymbolAnalysisContext context)
            {
                var type = (INamedTypeSymbol)context.Symbol;
                if (type.IsImplicitlyDeclared || type.Locations.Length == 0 || !type.Locations[0].IsInSource)
                {
                    return;
                }

                var location = type.Locations[0];
                if (type.BaseType != null)
                {
                    ReportDeclaredType(context, type, location, type.BaseType, deep: false);
                }

                foreach (var implemented in type.Interfaces)
                {
                    ReportDeclaredType(context, type, location, implemented, deep: false);
                }
            }

            public void AnalyzeMember(SymbolAnalysisContext context)
            {
                var symbol = context.Symbol;
                if (symbol.IsImplicitlyDeclared || symbol.Locations.Length == 0 || !symbol.Locations[0].IsInSource)
                {
                    return;
                }

                switch (symbol)
                {
                    case IFieldSymbol field:
                        ReportDeclaredType(context, field, field.Locations[0], field.Type, deep: true);
                        break;
                    case IPropertySymbol property:
                        ReportDeclaredType(context, property, property.Locations[0], property.Type, deep: true);
                        foreach (var parameter in property.Parameters)
                        {
                            ReportDeclaredType(context, property, parameter.Locations[0], parameter.Type, deep: true);
                        }

                        break;
                    case IMethodSymbol method when method.MethodKind == MethodKind.Ordinary
                                                   || method.MethodKind == MethodKind.Constructor
                                                   || method.MethodKind == MethodKind.LocalFunction
                                                   || method.MethodKind == MethodKind.ExplicitInterfaceImplementation
                                                   || method.MethodKind == MethodKind.UserDefinedOperator
                                                   || method.MethodKind == MethodKind.DelegateInvoke:
                        if (!method.ReturnsVoid)
                        {
                            ReportDeclaredType(context, method, method.Locations[0], method.ReturnType, deep: true);
                        }

                        foreach (var parameter in method.Parameters)
                        {
                            if (parameter.Locations.Length > 0 && parameter.Locations[0].IsInSource)
                            {
                                ReportDeclaredType(context, method, parameter.Locations[0], parameter.Type, deep: true);
                            }
                        }

                        break;
                }
            }

            private void ReportDeclaredType(SymbolAnalysisContext context, ISymbol declaringSymbol, Location location, ITypeSymbol type, bool deep)
            {
                var api = deep ? _classifier.ClassifyTypeDeep(type) : _classifier.ClassifyType(type);
                if (api == null || location.SourceTree == null || _options.IsAllowed(location.SourceTree, declaringSymbol))
                {
                    return;
                }

                Report(context.ReportDiagnostic, location, type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat), api);
            }

            private bool IsAllowed(OperationAnalysisContext context)
                => _options.IsAllowed(context.Operation.Syntax.SyntaxTree, context.ContainingSymbol);

            private static void Report(System.Action<Diagnostic> report, Location location, string what, CloudApi api)
            {
                if (api.IsRegistration)
                {
                    report(Diagnostic.Create(Descriptors.NativeClientRegistration, location, Properties(api, api.Portable), what, api.Provider, api.Portable ?? "services.AddPolycloud(configuration)"));
                }
                else if (api.Portable != null)
                {
                    report(Diagnostic.Create(Descriptors.NativeApiWithPortableEquivalent, location, Properties(api, api.Portable), what, api.Provider, api.Service, api.Portable));
                }
                else
                {
                    report(Diagnostic.Create(Descriptors.ProviderOnlyFeature, location, Properties(api, null), what, api.Provider, api.Service));
                }
            }

            private static ImmutableDictionary<string, string?> Properties(CloudApi api, string? portable)
            {
                var builder = ImmutableDictionary.CreateBuilder<string, string?>();
                builder.Add(DiagnosticProperties.Provider, api.Provider);
                builder.Add(DiagnosticProperties.Service, api.Service);
                if (portable != null)
                {
                    builder.Add(DiagnosticProperties.Portable, portable);
                }

                return builder.ToImmutable();
            }

            private static bool IsInNamespace(INamedTypeSymbol? type, string ns, CloudSymbolClassifier classifier)
                => type?.ContainingNamespace != null && classifier.CachedNamespaceName(type.ContainingNamespace) == ns;

            private static bool IsInitializerTarget(IMemberReferenceOperation reference)
            {
                if (reference.Instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver })
                {
                    return true;
                }

                return reference.Parent is IAssignmentOperation assignment
                       && ReferenceEquals(assignment.Target, reference)
                       && assignment.Parent is IObjectOrCollectionInitializerOperation;
            }

            private static string DisplayName(ISymbol member)
            {
                var typeName = member.ContainingType?.Name;
                var name = member.Name;
                if (member is IMethodSymbol { MethodKind: MethodKind.Constructor })
                {
                    return "new " + typeName;
                }

                if (member is IMethodSymbol { IsGenericMethod: true } generic)
                {
                    var arguments = new List<string>();
                    foreach (var argument in generic.TypeArguments)
                    {
                        arguments.Add(argument.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat));
                    }

                    name += "<" + string.Join(", ", arguments) + ">";
                }

                return typeName == null ? name : typeName + "." + name;
            }

            private static Location IdentifierLocation(SimpleNameSyntax name) => name.Identifier.GetLocation();

            private static Location NameLocation(SyntaxNode syntax)
            {
                var node = syntax is InvocationExpressionSyntax invocation ? invocation.Expression : syntax;
                switch (node)
                {
                    case MemberAccessExpressionSyntax memberAccess:
                        return IdentifierLocation(memberAccess.Name);
                    case MemberBindingExpressionSyntax binding:
                        return IdentifierLocation(binding.Name);
                    case SimpleNameSyntax simpleName:
                        return IdentifierLocation(simpleName);
                    default:
                        return node.GetLocation();
                }
            }
        }
    }
}
