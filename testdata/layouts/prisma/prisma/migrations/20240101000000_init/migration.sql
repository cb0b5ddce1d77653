-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "data" TEXT,
    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);
