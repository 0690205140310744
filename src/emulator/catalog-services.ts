/**
 * Seed services that are not databases: storage, media, AI, and the Web Runner My Apps run
 * on. Options follow the Terraform provider's catalog mirror and client-ts's generated
 * OpenAPI types (`packages/services/src/generated/<serviceId>.ts`).
 */
import { nameOption, type SeedService } from './catalog-types.js';

export const OTHER_SERVICES: readonly SeedService[] = [
  {
    serviceId: 'minio-minio',
    noun: 'minio',
    title: 'MinIO',
    description: 'High-performance, S3-compatible object storage.',
    category: 'storage',
    repoUrl: 'https://github.com/minio/minio',
    keywords: ['s3', 'object storage', 'bucket'],
    tokensPerDay: 3,
    internalPorts: [{ name: 'http', port: 9000, protocol: 'TCP' }],
    options: [
      nameOption('minio'),
      { name: 'RootUser', label: 'RootUser', description: 'Root user name', type: 'string', mandatory: true },
      { name: 'RootPassword', label: 'RootPassword', description: 'Root user password', type: 'string', mandatory: true, sensitive: true },
    ],
  },
  {
    serviceId: 'eyevinn-intercom-manager',
    noun: 'intercom-manager',
    title: 'Open Intercom Server',
    description: 'Open source intercom solution based on WebRTC and SMB.',
    category: 'media',
    repoUrl: 'https://github.com/Eyevinn/intercom-manager',
    keywords: ['intercom', 'webrtc', 'production'],
    tokensPerDay: 10,
    options: [
      nameOption('intercom-manager'),
      { name: 'smbServerBaseUrl', label: 'SmbServerBaseUrl', description: 'URL to the Symphony Media Bridge', type: 'string', mandatory: true, regexValidator: '^https?://' },
      { name: 'smbServerApiKey', label: 'SmbServerApiKey', description: 'API key for the media bridge', type: 'string', mandatory: false },
      { name: 'dbConnectionString', label: 'DbConnectionString', description: 'CouchDB connection string with credentials', type: 'string', mandatory: true, sensitive: true },
      { name: 'oscToken', label: 'OscToken', description: 'OSC personal access token', type: 'string', mandatory: false, sensitive: true },
    ],
  },
  {
    serviceId: 'eyevinn-test-adserver',
    noun: 'test-adserver',
    title: 'Test Adserver',
    description: 'A VAST/VMAP ad server for testing server-side ad insertion.',
    category: 'devel',
    repoUrl: 'https://github.com/Eyevinn/test-adserver',
    keywords: ['vast', 'vmap', 'ads'],
    tokensPerDay: 1,
    options: [
      nameOption('test-adserver'),
      { name: 'MrssOrigin', label: 'MrssOrigin', description: 'Origin of the MRSS feed with ads', type: 'string', mandatory: false },
    ],
  },
  {
    serviceId: 'eyevinn-auto-subtitles',
    noun: 'auto-subtitles',
    title: 'Subtitle Generator',
    description: 'Generates subtitles for a video with speech-to-text.',
    category: 'ai',
    repoUrl: 'https://github.com/Eyevinn/auto-subtitles',
    keywords: ['subtitles', 'whisper', 'speech-to-text'],
    tokensPerDay: 25,
    excludeFromFree: true,
    // Its generated OpenAPI has no PATCH route: updates are not supported.
    supportsUpdate: false,
    options: [
      nameOption('auto-subtitles'),
      { name: 'openaikey', label: 'OpenAI API Key', description: 'OpenAI API key', type: 'string', mandatory: true, sensitive: true },
      { name: 'awsAccessKeyId', label: 'AWS Access Key Id', type: 'string', mandatory: false },
      { name: 'awsSecretAccessKey', label: 'AWS Secret Access Key', type: 'string', mandatory: false, sensitive: true },
      { name: 'awsRegion', label: 'AWS Region', type: 'string', mandatory: false, default: 'eu-north-1' },
    ],
  },
  {
    // What a My App runs on (Terraform osc_deploy_api.go `webRunnerServiceID`); options from
    // the generated eyevinn-web-runner.ts plus `SubPath`/`ConfigApiKey` from the provider docs.
    serviceId: 'eyevinn-web-runner',
    noun: 'web-runner',
    title: 'Web Runner',
    description: 'Runs a Node.js application straight from a GitHub repository or an S3 bucket.',
    category: 'devel',
    repoUrl: 'https://github.com/Eyevinn/web-runner',
    keywords: ['nodejs', 'web', 'app hosting'],
    tokensPerDay: 2,
    options: [
      nameOption('web-runner'),
      { name: 'SourceUrl', label: 'SourceUrl', description: 'GitHub repository URL or s3:// URL of a zip with the source', type: 'string', mandatory: true },
      { name: 'GitHubToken', label: 'GitHubToken', description: 'Token for private repositories', type: 'string', mandatory: false, sensitive: true },
      { name: 'SubPath', label: 'SubPath', description: 'Directory within the source to build and start from', type: 'string', mandatory: false },
      { name: 'ConfigService', label: 'ConfigService', description: 'Parameter store whose values become environment variables', type: 'string', mandatory: false },
      { name: 'ConfigApiKey', label: 'ConfigApiKey', description: 'API key of the parameter store, to decrypt its secret values', type: 'string', mandatory: false, sensitive: true },
      { name: 'OscAccessToken', label: 'OscAccessToken', description: 'OSC personal access token for the app', type: 'string', mandatory: false, sensitive: true },
      { name: 'AwsAccessKeyId', label: 'AwsAccessKeyId', type: 'string', mandatory: false },
      { name: 'AwsSecretAccessKey', label: 'AwsSecretAccessKey', type: 'string', mandatory: false, sensitive: true },
      { name: 'AwsRegion', label: 'AwsRegion', type: 'string', mandatory: false },
      { name: 'S3EndpointUrl', label: 'S3EndpointUrl', type: 'string', mandatory: false },
    ],
  },
];
