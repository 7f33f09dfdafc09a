// Imported first by the CLI entry (ES imports run in order): the AWS SDK prints a Node-version warning
// when it loads, which would land in the middle of a document on stdout. Node 20 is supported here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
